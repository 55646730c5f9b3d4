import { rmSync, statSync } from 'node:fs';
import { createBackup } from '../backup/backup.ts';
import { readDatabaseFile } from '../open/read-only.ts';
import { checkDatabaseFile, countDifferences, tableCounts } from './verify.ts';

export interface BackupReport {
  /** The verified backup file. */
  path: string;
  bytes: number;
  /** Rows per table, the same in the source (at backup time) and in the backup. */
  counts: Record<string, number>;
}

/** Thrown when a fresh backup does not match its source; the bad copy is deleted. */
export class BackupVerificationError extends Error {
  override readonly name = 'BackupVerificationError';
}

/**
 * Takes an online backup of a live database and proves it sound before returning.
 *
 * The source's row counts and the copy come from one read transaction on one connection: the
 * backup API reads through the connection's open snapshot, so writers in other processes go on
 * committing (WAL) while the backup sees one consistent state, and its counts are the counts of that
 * state. The source is read through `readDatabaseFile`, so nothing is left beside it (no `-wal` or
 * `-shm` for a closed database; a corrupt one is refused as it was). The copy is fsynced
 * (createBackup), then reopened for `integrity_check` and the same counts. A failed check deletes
 * the copy and throws.
 */
export async function backupDatabase(sourcePath: string, out: string): Promise<BackupReport> {
  const counts = await readDatabaseFile(sourcePath, async (sqlite) => {
    sqlite.exec('BEGIN');
    try {
      const counted = tableCounts(sqlite);
      await createBackup(sqlite, out);
      return counted;
    } finally {
      sqlite.exec('COMMIT');
    }
  });
  const check = checkDatabaseFile(out);
  const problems = [...check.integrity, ...countDifferences(counts, check.counts)];
  if (problems.length > 0) {
    rmSync(out, { force: true });
    throw new BackupVerificationError(
      `backup ${out} failed verification: ${problems.slice(0, 5).join('; ')}`,
    );
  }
  return { path: out, bytes: statSync(out).size, counts };
}
