import { openSqlite } from '../driver/sync-driver.ts';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncPath } from '../backup/fsync.ts';
import type { DatabaseName } from '../database-names.ts';
import {
  assertCreatable,
  DatabaseFileError,
  examineDatabaseFile,
  type DatabaseFile,
} from '../open/database-file.ts';
import { judgeBackup, readFileContents, type FileContents } from './backup-identity.ts';
import { checkpointWithoutBlocking } from './checkpoint.ts';
import { checkDatabaseFile } from './verify.ts';

export interface RestoreReport {
  /** The database file, now holding the backup's data. */
  path: string;
  /** Where the file it replaced was moved (with its -wal/-shm), or undefined if there was none. */
  asidePath: string | undefined;
  counts: Record<string, number>;
  /** Migrations this build has that the backup lacks: applied on the next open. */
  pendingMigrations: string[];
}

/**
 * The file cannot be restored: it is not a backup of that database (missing, empty, not SQLite,
 * corrupt, another database's, an original tool's file, from a newer schema, the database itself),
 * or the database is in use. Nothing was changed.
 */
export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';

  constructor(
    message: string,
    /** Refused because the file failed its integrity check (an older backup may not). */
    readonly corrupt = false,
  ) {
    super(message);
  }
}

const SIDE_FILES = ['-wal', '-shm'] as const;

/**
 * Replaces a database file with a backup of it, verifying it first:
 * 1. the backup is looked at without opening it: it must be a non-empty SQLite file, not the
 *    database file itself, with no WAL beside it holding transactions the file alone lacks;
 * 2. it is copied beside the database as `<file>.restore-partial` and fsynced, and that copy is
 *    what gets checked, so reading the backup needs no write access to its folder (SQLite would
 *    want a -shm beside a WAL-mode file) and what is checked is exactly what is installed: it must
 *    pass `integrity_check` and be a backup of `name` (judgeBackup: its migration history and tables);
 * 3. the current file is checkpointed (refused if another process holds it open) and moved aside,
 *    with its -wal/-shm, to `<file>.before-restore-<time>`; the copy is renamed into place.
 * A refusal removes the copy: the database and its folder are as they were. A failure after step 3
 * began puts the original back. The aside copy is kept, never deleted.
 */
export async function restoreDatabase(
  name: DatabaseName,
  databasePath: string,
  backupPath: string,
  now = new Date(),
): Promise<RestoreReport> {
  lookAtBackup(backupPath, databasePath);
  lookAtTarget(databasePath);

  const dir = dirname(databasePath);
  const partial = `${databasePath}.restore-partial`;
  const removePartial = () => {
    for (const suffix of ['', ...SIDE_FILES]) rmSync(partial + suffix, { force: true });
  };
  let counts: Record<string, number>;
  let pending: string[];
  try {
    removePartial(); // left by a process killed mid-restore
    closeSync(openSync(partial, 'wx', 0o600));
    copyFileSync(backupPath, partial);
    // copyFile gives the copy the backup's mode: a read-only backup would make a read-only database.
    chmodSync(partial, 0o600);
    fsyncPath(partial);
    let contents: FileContents | undefined;
    const check = checkDatabaseFile(partial, (sqlite) => (contents = readFileContents(sqlite)));
    for (const side of SIDE_FILES) rmSync(partial + side, { force: true });
    if (check.integrity.length > 0 || !contents) {
      throw new RestoreRefusedError(
        `${backupPath}: is corrupt: ${check.integrity.slice(0, 3).join('; ')}`,
        true,
      );
    }
    const verdict = await judgeBackup(contents, name, backupPath);
    if (!verdict.ok) throw new RestoreRefusedError(verdict.reason);
    counts = check.counts;
    pending = verdict.pending;
  } catch (error) {
    removePartial();
    throw error;
  }

  // A -wal left without its database would be replayed into the restored file: it goes aside too.
  const present = ['', ...SIDE_FILES].filter((suffix) => existsSync(databasePath + suffix));
  const asidePath =
    present.length > 0
      ? join(
          dir,
          `${basename(databasePath)}.before-restore-${now.toISOString().replace(/:/g, '-')}`,
        )
      : undefined;
  try {
    if (present.includes('')) checkpointOrRefuse(databasePath);
  } catch (error) {
    removePartial();
    throw error;
  }
  const moved: string[] = [];
  try {
    for (const suffix of ['', ...SIDE_FILES]) {
      if (asidePath && existsSync(databasePath + suffix)) {
        renameSync(databasePath + suffix, asidePath + suffix);
        moved.push(suffix);
      }
    }
    renameSync(partial, databasePath);
    fsyncPath(dir);
  } catch (error) {
    if (existsSync(partial)) removePartial();
    else for (const suffix of ['', ...SIDE_FILES]) rmSync(databasePath + suffix, { force: true });
    for (const suffix of moved) renameSync(asidePath + suffix, databasePath + suffix);
    if (moved.length > 0) fsyncPath(dir);
    throw error;
  }
  return { path: databasePath, asidePath, counts, pendingMigrations: pending };
}

/**
 * The refusals that need no copy: a backup that is missing, not a file, empty, not SQLite, the
 * database itself (also through a symlink, a relative path or a hard link), or a live database
 * whose WAL holds transactions that copying the main file would drop.
 */
function lookAtBackup(backupPath: string, databasePath: string): void {
  const refuse = (reason: string) => new RestoreRefusedError(`${backupPath}: ${reason}`);
  let file: DatabaseFile;
  try {
    // The same look at the header every command takes: a directory, an unreadable file or one
    // that is not SQLite is refused in the same words everywhere.
    file = examineDatabaseFile(backupPath);
  } catch (error) {
    if (!(error instanceof DatabaseFileError)) throw error;
    throw new RestoreRefusedError(
      error.code === 'NOT_A_DATABASE' ? `${error.message}, not a backup` : error.message,
    );
  }
  if (!file.exists) throw refuse('does not exist');
  const stats = statSync(backupPath);
  const target = statOrUndefined(databasePath);
  if (target && target.dev === stats.dev && target.ino === stats.ino) {
    throw refuse(
      `is the database file itself (${databasePath}): it cannot be restored onto itself`,
    );
  }
  if (file.bytes === 0) throw refuse('is empty (0 bytes), not a backup');
  if (file.walBytes !== undefined && file.walBytes > 0) {
    throw refuse(
      `has a non-empty ${basename(backupPath)}-wal beside it: it is a database in use (or was copied ` +
        'with its WAL), whose file alone lacks what the WAL holds; make a backup of it with pnpm db:backup',
    );
  }
}

/**
 * The database's place must be a file (or nothing) in a directory this process can write. A
 * damaged database is no reason to refuse: replacing it is what a restore is for.
 */
function lookAtTarget(path: string): void {
  let exists = true;
  try {
    exists = examineDatabaseFile(path).exists;
  } catch (error) {
    const replaceable =
      error instanceof DatabaseFileError &&
      (error.code === 'NOT_A_DATABASE' || error.code === 'DAMAGED');
    if (!replaceable) throw error;
  }
  assertCreatable(path, exists ? 'replace' : 'create');
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Folds the WAL into the main file so the file moved aside is complete on its own. A checkpoint
 * that cannot finish means another connection is using the database: restoring under it would
 * leave that process writing to the moved file, so this refuses.
 */
function checkpointOrRefuse(path: string): void {
  const sqlite = openSqlite(path, { fileMustExist: true });
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
    throw new RestoreRefusedError(`${path}: is in use by another process; stop it and retry`);
}
