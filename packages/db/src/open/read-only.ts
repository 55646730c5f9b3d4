import type { SqliteConnection } from '../driver/types.ts';
import { openSqlite } from '../driver/sync-driver.ts';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  assertWritable,
  DatabaseFileError,
  examineDatabaseFile,
  type DatabaseFile,
} from './database-file.ts';
import { DEFAULT_BUSY_TIMEOUT_MS } from './pragmas.ts';

// better-sqlite3 builds SQLite with URI filenames off and turns them on only when SQLITE_USE_URI=1
// is set as its addon loads (on the first `new Database` of the process). The immutable reader
// below needs them; a filename that does not start with `file:` means the same either way. Where
// they stay off (the addon loaded earlier, or a worker thread, whose env SQLite does not see),
// the reader falls back to a private copy.
process.env.SQLITE_USE_URI ??= '1';
let uriFilenames = true;

/**
 * How a file is read without writing anything beside it:
 * - `shared`: a plain read-only connection. SQLite creates nothing for a rollback-journal file,
 *   nor for a WAL file whose `-wal` and `-shm` exist (a live database); it takes part in locking.
 * - `immutable`: a WAL file without its `-wal` or `-shm` (closed cleanly, or a `-wal` left empty).
 *   Every committed page is in the main file, but a read-only connection would create `-wal` and
 *   `-shm` (and cannot in a read-only directory), so it is read with `immutable=1`: no side file,
 *   no lock. Checked afterwards: if a writer started meanwhile, it is read again, shared.
 * - `copy`: a WAL file whose `-wal` holds changes but whose `-shm` is gone (a crash, a copied
 *   file). SQLite must build a `-shm` to read those changes, so the two files are copied to a
 *   private temporary directory and read there: the changes are read, nothing is written beside.
 *   Also the fallback for `immutable` where SQLite's URI filenames are off.
 */
export type ReadMode = 'shared' | 'immutable' | 'copy';

export function readModeFor(file: DatabaseFile): ReadMode {
  if (file.journal !== 'wal') return 'shared';
  if (file.walBytes !== undefined && file.hasShm) return 'shared';
  if (!file.walBytes) return 'immutable';
  return 'copy';
}

const ATTEMPTS = 3;

/**
 * Runs `read` on a read-only connection to an existing database file and closes it, leaving the
 * file and its directory exactly as they were: no `-wal` or `-shm` created, no checkpoint, works in
 * a read-only directory (see `ReadMode`). `read` may run again if a writer changed the file while
 * it was being read without locks, so it must only read (or write elsewhere, idempotently).
 */
export async function readDatabaseFile<T>(
  path: string,
  read: (sqlite: SqliteConnection, file: DatabaseFile) => T | Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const file = examineDatabaseFile(path);
    if (!file.exists) throw new DatabaseFileError('MISSING', path, 'does not exist');
    const mode = readModeFor(file);
    const before = mode === 'shared' ? undefined : fingerprint(path);
    const result = await readWith(mode, file, read);
    if (before === undefined || fingerprint(path) === before) return result;
    if (attempt === ATTEMPTS) {
      throw new DatabaseFileError(
        'CHANGING',
        path,
        'kept changing while it was read; try again when it is not being written',
      );
    }
  }
}

async function readWith<T>(
  mode: ReadMode,
  file: DatabaseFile,
  read: (sqlite: SqliteConnection, file: DatabaseFile) => T | Promise<T>,
): Promise<T> {
  if (mode === 'immutable' && uriFilenames) {
    try {
      return await withConnection(file.path, true, file, read);
    } catch (error) {
      if (!(error instanceof UriFilenamesOff)) throw error;
      uriFilenames = false;
    }
  }
  if (mode === 'shared') return withConnection(file.path, false, file, read);
  const dir = mkdtempSync(join(tmpdir(), 'agentstate-read-'));
  try {
    const copy = join(dir, 'database');
    copyFileSync(file.path, copy);
    if (file.walBytes) copyFileSync(`${file.path}-wal`, `${copy}-wal`);
    return await withConnection(copy, false, file, read);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `file:` name was taken for a plain file name: SQLite's URI filenames are off. */
class UriFilenamesOff extends Error {}

async function withConnection<T>(
  path: string,
  immutable: boolean,
  file: DatabaseFile,
  read: (sqlite: SqliteConnection, file: DatabaseFile) => T | Promise<T>,
): Promise<T> {
  const name = immutable ? `${pathToFileURL(path).href}?mode=ro&immutable=1` : path;
  let sqlite: SqliteConnection;
  try {
    sqlite = openSqlite(name, { readonly: true, fileMustExist: true });
  } catch (error) {
    // The file is there (it was just examined): only a name read as a path fails to open.
    if (immutable && (error as { code?: string }).code === 'SQLITE_CANTOPEN') {
      throw new UriFilenamesOff();
    }
    throw error;
  }
  try {
    sqlite.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    return await read(sqlite, file);
  } finally {
    sqlite.close();
  }
}

/** Changes when a writer touched the database or its WAL. */
function fingerprint(path: string): string {
  return ['', '-wal', '-shm']
    .map((suffix) => {
      try {
        const s = statSync(path + suffix, { bigint: true });
        return `${s.ino}:${s.size}:${s.mtimeNs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

/**
 * A connection that reads for as long as it is open (a browser of the data) and leaves the file
 * and its folder as it found them once it is closed. Every statement is refused a write
 * (`query_only`). A read-only connection to a WAL file creates `-wal` and `-shm` when they are
 * missing and cannot remove them, so where the file and its folder are writable it is a
 * read-write connection, which removes them when it closes as the last one; otherwise a read-only
 * one, and a closed WAL file in a read-only folder is read `immutable` (a writer that cannot write
 * there either changes nothing meanwhile).
 */
export function openReader(path: string): SqliteConnection {
  const file = examineDatabaseFile(path);
  if (!file.exists) throw new DatabaseFileError('MISSING', path, 'does not exist');
  let writable = true;
  try {
    assertWritable(file);
  } catch (error) {
    if (!(error instanceof DatabaseFileError)) throw error;
    writable = false;
  }
  const immutable = !writable && readModeFor(file) === 'immutable' && uriFilenames;
  const sqlite = openSqlite(immutable ? `${pathToFileURL(path).href}?mode=ro&immutable=1` : path, {
    readonly: !writable,
    fileMustExist: true,
  });
  try {
    sqlite.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    sqlite.pragma('query_only = 1');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}
