import type { SqliteConnection, SyncDriverKind } from '../driver/types.ts';

/**
 * `normal`: WAL with synchronous=NORMAL; commits survive a process crash, the last ones may roll
 * back after a power loss. `full`: synchronous=FULL; commits also survive a power loss, at the cost
 * of an fsync per commit.
 */
export type Durability = 'normal' | 'full';

export interface ConnectionOptions {
  durability?: Durability;
  readonly?: boolean;
  /** How long a statement waits for another process's lock before SQLITE_BUSY (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * The SQLite driver: `bun:sqlite` on Bun, `better-sqlite3` on Node and Electron (the default is
   * the runtime's). Both get the same pragmas.
   */
  driver?: SyncDriverKind;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** The WAL is truncated back to this size after checkpoints, so long-running tools don't grow it unbounded. */
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/** Page cache per connection, in KiB (SQLite's default is 2 MiB). */
export const CACHE_SIZE_KIB = 16 * 1024;
/**
 * Reads of the file through a memory map, up to SQLite's default ceiling (SQLITE_MAX_MMAP_SIZE,
 * 2 GiB - 64 KiB): a page already in the OS's cache is read in place instead of copied into the
 * connection's page cache. A full-text query walks an index far larger than that cache (567 MB
 * for a million PokéCode messages); mapped, its p50 was 5 to 30% lower in runs alternating both
 * connections query by query. Address space only, shared by every connection; writes still go
 * through write(), so the file is the same to processes that do not map it (Linux, macOS and
 * Windows have the unified buffer cache this needs). A build with a lower ceiling maps less.
 */
export const MMAP_SIZE_BYTES = 0x7fff0000;

/**
 * The connection settings, as `PRAGMA` bodies in the order they are made: the one list, for
 * production, tests and a benchmark's raw side alike. busy_timeout comes first: switching to WAL
 * needs a lock another process may hold.
 */
export function connectionPragmas(options: ConnectionOptions = {}): string[] {
  return [
    `busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`,
    ...(options.readonly
      ? []
      : ['journal_mode = WAL', `journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`]),
    `synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`,
    'foreign_keys = ON',
    `cache_size = -${CACHE_SIZE_KIB}`,
    `mmap_size = ${MMAP_SIZE_BYTES}`,
    'temp_store = MEMORY',
  ];
}

/** Makes the connection settings on a synchronous connection. */
export function configureConnection(
  sqlite: SqliteConnection,
  options: ConnectionOptions = {},
): void {
  for (const pragma of connectionPragmas(options)) sqlite.pragma(pragma);
}
