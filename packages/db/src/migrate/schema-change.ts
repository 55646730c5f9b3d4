import type { SqliteConnection } from '../driver/types.ts';
import { existsSync } from 'node:fs';
import {
  backupPathFor,
  COPYING,
  DEFAULT_BACKUPS_KEPT,
  defaultBackupDir,
  pruneBackups,
} from '../backup/backup.ts';
import { fsyncPath } from '../backup/fsync.ts';
import {
  copyMainFile,
  copyWalFile,
  openSnapshotReader,
  partialPathOf,
  removePartial,
  sealCopy,
} from '../backup/snapshot-copy.ts';

/**
 * The steps every schema change (a migration, an adoption) shares: foreign keys off around the
 * transaction, `BEGIN IMMEDIATE` with a long lock wait, and a backup taken under that lock.
 */

export interface BackupOptions {
  /** Folder for backups; default `backups/` beside the database file. */
  dir?: string;
  /** How many backups of this database to keep (default 5). */
  keep?: number;
}

/** How long to wait for another process that is migrating or writing (default 60 s). */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export const defaultLog = (message: string) => console.error(`agentstate: ${message}`);

/**
 * Runs `change` with foreign keys off, restoring them after. SQLite ignores this pragma inside a
 * transaction, so it must be switched before BEGIN, or a table rebuild's DROP TABLE of a parent
 * cascades to its children (drizzle-orm issue 5782).
 */
export async function withForeignKeysOff<T>(
  sqlite: SqliteConnection,
  change: () => Promise<T>,
): Promise<T> {
  const wereOn = sqlite.pragma('foreign_keys', { simple: true }) === 1;
  sqlite.pragma('foreign_keys = OFF');
  try {
    return await change();
  } finally {
    if (wereOn) sqlite.pragma('foreign_keys = ON');
  }
}

/** `BEGIN IMMEDIATE`, waiting up to `timeoutMs` for another writer instead of the usual busy timeout. */
export function beginImmediate(
  sqlite: SqliteConnection,
  timeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
): void {
  const previous = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma(`busy_timeout = ${Math.max(previous, timeoutMs)}`);
  try {
    sqlite.exec('BEGIN IMMEDIATE');
  } finally {
    sqlite.pragma(`busy_timeout = ${previous}`);
  }
}

/**
 * Backs up the file while this process holds the write lock but has not written yet, so the copy
 * is exactly the state before the change: the file and its WAL copied by the kernel (nothing can
 * append to the WAL or restart it meanwhile), the WAL folded into the copy, fsynced. The lock is
 * held as long as the copy takes at disk speed, not for SQLite's page-by-page backup.
 */
export async function backupUnderLock(
  path: string,
  tag: string,
  options: BackupOptions,
): Promise<string> {
  const dir = options.dir ?? defaultBackupDir(path);
  const backupPath = backupPathFor(path, dir, tag);
  const partial = partialPathOf(backupPath);
  try {
    copyMainFile(path, partial);
    copyWalFile(path, partial);
  } catch (error) {
    removePartial(partial);
    throw error;
  }
  await sealCopy(partial, backupPath);
  pruneBackups(path, dir, options.keep ?? DEFAULT_BACKUPS_KEPT);
  return backupPath;
}

/** A backup begun before the write lock: `finish` it holding the lock, or `discard` it. */
export interface EarlyBackup {
  /** Holding the write lock: copies the WAL, folds it in, fsyncs, names the backup for `tag`. */
  finish(tag: string): Promise<string>;
  /** Ends its read transaction and removes an unfinished copy; safe after finish. */
  discard(): void;
}

/**
 * Starts a pre-migration backup before the write lock is taken: the file is copied by the kernel
 * and fsynced under a read transaction while writers go on, so that under the lock only the WAL
 * is left to copy (snapshot-copy.ts says why the two agree). The lock is then held for the WAL
 * and the fold, not for the file, however large it is.
 */
export function beginBackupBeforeLock(path: string, options: BackupOptions): EarlyBackup {
  const dir = options.dir ?? defaultBackupDir(path);
  const copy = `${backupPathFor(path, dir, `pid-${process.pid}`)}${COPYING}`;
  const reader = openSnapshotReader(path);
  let finished = false;
  try {
    copyMainFile(path, copy);
    fsyncPath(copy);
  } catch (error) {
    reader.release();
    removePartial(copy);
    throw error;
  }
  return {
    async finish(tag) {
      if (!existsSync(copy)) {
        reader.release();
        return backupUnderLock(path, tag, options);
      }
      try {
        copyWalFile(path, copy);
      } finally {
        reader.release();
      }
      const backupPath = backupPathFor(path, dir, tag);
      await sealCopy(copy, backupPath);
      finished = true;
      pruneBackups(path, dir, options.keep ?? DEFAULT_BACKUPS_KEPT);
      return backupPath;
    },
    discard() {
      reader.release();
      if (!finished) removePartial(copy);
    },
  };
}
