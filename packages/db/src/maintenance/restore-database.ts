import { closeSync, copyFileSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { fsyncPath } from '../backup/fsync.ts';
import type { DatabaseName } from '../database-names.ts';
import { loadMigrations } from '../migrate/load-migrations.ts';
import { readAppliedMigrations } from '../migrate/migrations-table.ts';
import { planFromRecords } from '../migrate/plan.ts';
import { checkpointWithoutBlocking } from './checkpoint.ts';
import { checkDatabaseFile, countDifferences } from './verify.ts';

export interface RestoreReport {
  /** The database file, now holding the backup's data. */
  path: string;
  /** Where the file it replaced was moved (with its -wal/-shm), or undefined if there was none. */
  asidePath: string | undefined;
  counts: Record<string, number>;
  /** Migrations this build has that the backup lacks: applied on the next open. */
  pendingMigrations: string[];
}

/** The backup cannot be restored: corrupt, not a database, or written by a newer schema. */
export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
}

const SIDE_FILES = ['-wal', '-shm'] as const;

/**
 * Replaces a database file with a backup, verifying both ends:
 * 1. the backup must pass `integrity_check` and record no migration unknown to this build (a newer
 *    schema would be silently misread);
 * 2. the current file is checkpointed (refused if another process holds it open) and moved aside,
 *    with its -wal/-shm, to `<file>.before-restore-<time>`;
 * 3. the backup is copied in under a temporary name, fsynced, renamed into place;
 * 4. the restored file is checked again (integrity and the backup's row counts).
 * Any failure after step 2 puts the original back. The aside copy is kept, never deleted.
 */
export function restoreDatabase(
  name: DatabaseName,
  databasePath: string,
  backupPath: string,
  now = new Date(),
): RestoreReport {
  if (!existsSync(backupPath)) throw new RestoreRefusedError(`backup ${backupPath} does not exist`);
  const known = loadMigrations(name);
  let pending: string[] = [];
  let unknown = 0;
  const backup = checkDatabaseFile(backupPath, (sqlite) => {
    const plan = planFromRecords(readAppliedMigrations(sqlite), known);
    unknown = plan.unknown.length + plan.edited.length;
    pending = plan.pending.map((m) => m.tag);
  });
  if (backup.integrity.length > 0) {
    throw new RestoreRefusedError(
      `backup ${backupPath} is corrupt: ${backup.integrity.slice(0, 3).join('; ')}`,
    );
  }
  if (unknown > 0) {
    throw new RestoreRefusedError(
      `backup ${backupPath} was written by a newer schema (${unknown} migration(s) this version does not know); restore it with that version`,
    );
  }

  const dir = dirname(databasePath);
  const asidePath = existsSync(databasePath)
    ? join(dir, `${basename(databasePath)}.before-restore-${now.toISOString().replace(/:/g, '-')}`)
    : undefined;
  if (asidePath) {
    checkpointOrRefuse(databasePath);
    renameSync(databasePath, asidePath);
    for (const side of SIDE_FILES) {
      if (existsSync(databasePath + side)) renameSync(databasePath + side, asidePath + side);
    }
  }
  const partial = `${databasePath}.restore-partial`;
  try {
    rmSync(partial, { force: true });
    closeSync(openSync(partial, 'wx', 0o600));
    copyFileSync(backupPath, partial);
    fsyncPath(partial);
    renameSync(partial, databasePath);
    fsyncPath(dir);
    const restored = checkDatabaseFile(databasePath);
    const problems = [...restored.integrity, ...countDifferences(backup.counts, restored.counts)];
    if (problems.length > 0)
      throw new Error(`the restored file failed verification: ${problems.slice(0, 3).join('; ')}`);
  } catch (error) {
    rmSync(partial, { force: true });
    for (const suffix of ['', ...SIDE_FILES]) rmSync(databasePath + suffix, { force: true });
    if (asidePath) {
      renameSync(asidePath, databasePath);
      for (const side of SIDE_FILES) {
        if (existsSync(asidePath + side)) renameSync(asidePath + side, databasePath + side);
      }
      fsyncPath(dir);
    }
    throw error;
  }
  return { path: databasePath, asidePath, counts: backup.counts, pendingMigrations: pending };
}

/**
 * Folds the WAL into the main file so the file moved aside is complete on its own. A checkpoint
 * that cannot finish means another connection is using the database: restoring under it would
 * leave that process writing to the moved file, so this refuses.
 */
function checkpointOrRefuse(path: string): void {
  const sqlite = new Database(path, { fileMustExist: true });
  let busy = false;
  try {
    // Never holds other writers for long, even under a reader that keeps the WAL (checkpoint.ts).
    const result = checkpointWithoutBlocking(sqlite);
    busy = result.walFrames >= 0 && !result.truncated;
  } catch (error) {
    // A damaged file is a reason to restore, not a reason to refuse: it is moved aside as it is.
    const code = (error as { code?: string }).code;
    if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') throw error;
  } finally {
    sqlite.close();
  }
  if (busy)
    throw new RestoreRefusedError(`${path} is in use by another process; stop it and retry`);
}
