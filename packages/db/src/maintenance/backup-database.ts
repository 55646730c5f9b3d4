import { statSync } from 'node:fs';
import {
  copyMainFile,
  copyWalFile,
  openSnapshotReader,
  partialPathOf,
  removePartial,
  sealCopy,
} from '../backup/snapshot-copy.ts';
import { integrityProblems, quickCheckProblems, tableCounts } from './verify.ts';

export interface BackupReport {
  /** The verified backup file. */
  path: string;
  bytes: number;
  /** Rows per table in the backup: the source's at the moment the copy holds. */
  counts: Record<string, number>;
  /** The check the copy passed: `quick_check`, or `integrity_check` with `fullCheck`. */
  check: 'quick_check' | 'integrity_check';
}

export interface BackupOptions {
  /**
   * Also check every index against its table (`integrity_check`, several times slower);
   * default `quick_check`, which reads every page of the copy and checks its b-trees.
   */
  fullCheck?: boolean;
}

/** Thrown when a fresh backup does not match its source; the bad copy is deleted. */
export class BackupVerificationError extends Error {
  override readonly name = 'BackupVerificationError';
}

/**
 * Takes an online backup of a live database at disk speed and proves it sound before returning.
 *
 * The file and its WAL are copied by the kernel under a read transaction, so writers go on and
 * no write lock is taken (snapshot-copy.ts says why the copy is one consistent state); the WAL is
 * folded into the copy, which must pass `quick_check` (every page read, every b-tree checked) or,
 * with `fullCheck`, `integrity_check`; its rows are counted for the report; it is fsynced and
 * renamed into place. The copy is read once, from the page cache the copy just filled. A failed
 * check deletes the copy and throws.
 */
export async function backupDatabase(
  sourcePath: string,
  out: string,
  options: BackupOptions = {},
): Promise<BackupReport> {
  const partial = partialPathOf(out);
  const check = options.fullCheck ? 'integrity_check' : 'quick_check';
  const reader = openSnapshotReader(sourcePath);
  try {
    copyMainFile(sourcePath, partial);
    copyWalFile(sourcePath, partial);
  } catch (error) {
    removePartial(partial);
    throw error;
  } finally {
    reader.release();
  }
  let counts: Record<string, number> = {};
  await sealCopy(partial, out, (copy) => {
    const problems =
      check === 'integrity_check' ? integrityProblems(copy) : quickCheckProblems(copy);
    if (problems.length > 0) {
      throw new BackupVerificationError(
        `backup ${out} failed verification: ${problems.slice(0, 5).join('; ')}`,
      );
    }
    counts = tableCounts(copy);
  });
  return { path: out, bytes: statSync(out).size, counts, check };
}
