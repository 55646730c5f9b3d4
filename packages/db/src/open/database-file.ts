import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
import { dirname } from 'node:path';

export type JournalMode = 'wal' | 'rollback';

/** A database file as it is on disk, found without opening it with SQLite. */
export interface DatabaseFile {
  path: string;
  /** False when nothing is at `path` yet. */
  exists: boolean;
  /** 0 for a missing or empty file: SQLite treats an empty file as a new database. */
  bytes: number;
  /** From the header (bytes 18-19); undefined for an empty or missing file. */
  journal: JournalMode | undefined;
  /** Size of `<path>-wal`, or undefined when there is none. */
  walBytes: number | undefined;
  /** Whether `<path>-shm` exists. */
  hasShm: boolean;
}

export type DatabaseFileProblem =
  | 'MISSING'
  | 'CHANGING'
  | 'DIRECTORY'
  | 'NOT_A_FILE'
  | 'UNREADABLE'
  | 'NOT_A_DATABASE'
  | 'DAMAGED'
  | 'UNWRITABLE';

/** A file that cannot be used as a database, found before anything was opened or written. */
export class DatabaseFileError extends Error {
  override name = 'DatabaseFileError';
  constructor(
    readonly code: DatabaseFileProblem,
    readonly databasePath: string,
    cause: string,
  ) {
    super(`${databasePath}: ${cause}`);
  }
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

/**
 * Looks at a database file before SQLite does: that it is a regular, readable file with a valid
 * SQLite header (https://sqlite.org/fileformat.html#the_database_header), and which journal it
 * uses. Reads 100 bytes, writes nothing. A missing file is `exists: false`, not an error.
 */
export function examineDatabaseFile(path: string): DatabaseFile {
  const missing: DatabaseFile = {
    path,
    exists: false,
    bytes: 0,
    journal: undefined,
    walBytes: undefined,
    hasShm: false,
  };
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return missing;
    if (code === 'ENOTDIR')
      throw new DatabaseFileError('NOT_A_FILE', path, 'a part of its path is not a directory');
    throw error;
  }
  if (stats.isDirectory()) throw new DatabaseFileError('DIRECTORY', path, 'is a directory');
  if (!stats.isFile()) throw new DatabaseFileError('NOT_A_FILE', path, 'is not a regular file');

  const header = readHeader(path, Math.min(stats.size, HEADER_BYTES));
  const file: DatabaseFile = {
    ...missing,
    exists: true,
    bytes: stats.size,
    walBytes: sizeOf(`${path}-wal`),
    hasShm: sizeOf(`${path}-shm`) !== undefined,
  };
  if (stats.size === 0) return file;
  if (header.length < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DatabaseFileError('NOT_A_DATABASE', path, 'not a SQLite database');
  }
  const damage = headerDamage(header);
  if (damage) throw new DatabaseFileError('DAMAGED', path, `the database is damaged: ${damage}`);
  return { ...file, journal: header[18] === 2 ? 'wal' : 'rollback' };
}

function readHeader(path: string, length: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      throw new DatabaseFileError('UNREADABLE', path, 'cannot read it: permission denied');
    }
    throw error;
  }
  try {
    const header = Buffer.alloc(length);
    const read = readSync(fd, header, 0, length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** What is wrong with the fixed fields of a header that starts with the magic string, if anything. */
function headerDamage(header: Buffer): string | undefined {
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    return `its header gives a page size of ${rawPageSize}`;
  }
  const [write, read] = [header.readUInt8(18), header.readUInt8(19)];
  if (![1, 2].includes(write) || ![1, 2].includes(read)) {
    return `its header gives file format versions ${write}/${read}`;
  }
  if (header[21] !== 64 || header[22] !== 32 || header[23] !== 32) {
    return 'its header gives wrong payload fractions';
  }
  return undefined;
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before anything is created, a database that this process cannot write: the file
 * itself, and its directory, where SQLite creates its journal (or `-wal` and `-shm`). A missing
 * file needs the nearest existing directory above it to be writable.
 */
export function assertWritable(file: DatabaseFile): void {
  if (!file.exists) {
    assertCreatable(file.path);
    return;
  }
  if (!canWrite(file.path)) {
    throw new DatabaseFileError('UNWRITABLE', file.path, 'cannot write it: permission denied');
  }
  // A live WAL database's -wal and -shm exist already: SQLite needs no new file to write then.
  const walReady =
    file.journal === 'wal' &&
    file.walBytes !== undefined &&
    file.hasShm &&
    canWrite(`${file.path}-wal`) &&
    canWrite(`${file.path}-shm`);
  const dir = dirname(file.path);
  if (!walReady && !canWrite(dir)) {
    throw new DatabaseFileError(
      'UNWRITABLE',
      file.path,
      `cannot write it: its directory ${dir} is read-only`,
    );
  }
}

/**
 * Refuses a path where a file cannot be created, or put in place by a rename (`verb: 'replace'`):
 * its nearest existing directory is read-only.
 */
export function assertCreatable(path: string, verb: 'create' | 'replace' = 'create'): void {
  let dir = dirname(path);
  while (!exists(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!canWrite(dir)) {
    throw new DatabaseFileError(
      'UNWRITABLE',
      path,
      `cannot ${verb} it: the directory ${dir} is read-only`,
    );
  }
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
