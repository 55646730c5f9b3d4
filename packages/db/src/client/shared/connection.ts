import type { LibsqlHandle } from '../../driver/libsql.ts';
import type { Runner, RunnerMode } from '../../driver/operation.ts';
import { syncRunner } from '../../driver/sync-runner.ts';
import type { RunResult, SqliteConnection } from '../../driver/types.ts';
import type { DatabaseHandle } from '../../open/open-database.ts';
import { foreignKeyCache, type ForeignKeyCache } from './constraints.ts';
import { SecretBox, type SecretOptions } from './secrets.ts';
import { systemClock, type Clock } from './time.ts';
import { queueChannel } from './wakeups.ts';

/** A synchronous database: a handle from `openDatabase`, or a configured connection. */
export type ClientTarget = Pick<DatabaseHandle, 'sqlite'> | SqliteConnection;
/** What a client is built over: a synchronous database, or a libSQL handle. */
export type DriverTarget = ClientTarget | LibsqlHandle;
/** `async` (operations return promises) on libSQL, `sync` (values) on the other drivers. */
export type ModeOf<T extends DriverTarget> = T extends LibsqlHandle ? 'async' : 'sync';

export const isLibsql = (target: DriverTarget): target is LibsqlHandle =>
  'driver' in target && target.driver === 'libsql';

export interface ClientOptions {
  /** Milliseconds since the epoch; tests pass a fake clock to move time. */
  clock?: Clock;
  /** Where the secret key comes from (mcpmaker config, multishot credentials). */
  secrets?: SecretOptions | SecretBox;
}

export function sqliteOf(target: ClientTarget): SqliteConnection {
  return 'sqlite' in target ? target.sqlite : target;
}

/** What only a synchronous client has: its connection, and transactions spanning operations. */
export type SyncOnly<M extends RunnerMode, T> = M extends 'sync' ? T : undefined;

export interface ClientContext<M extends RunnerMode = RunnerMode> {
  /** Runs the client's operations: values on a synchronous connection, promises on libSQL. */
  runner: Runner<M>;
  /** The synchronous connection; undefined on libSQL. */
  sqlite: SyncOnly<M, SqliteConnection>;
  clock: Clock;
  secrets: SecretBox;
  /**
   * `transaction(fn)` of a synchronous client: `fn` in one `BEGIN IMMEDIATE` transaction, client
   * calls inside it savepoints. On libSQL each operation is its own transaction and a
   * transaction cannot span awaits, so there is none.
   */
  transaction: SyncOnly<M, <R>(fn: () => R) => R>;
  /** The database's foreign keys, read once, for explaining constraint errors. */
  foreignKeys: ForeignKeyCache;
  /** The URL of a libSQL sync replica, which no queue may run on (queues.ts); else undefined. */
  replica: string | undefined;
  /** Where this database's queues meet in this process (wakeups.ts). */
  channel(table: string): string;
}

export function clientContext<T extends DriverTarget>(
  target: T,
  options: ClientOptions = {},
): ClientContext<ModeOf<T>> {
  const secrets = options.secrets;
  const shared = {
    clock: options.clock ?? systemClock,
    secrets: secrets instanceof SecretBox ? secrets : new SecretBox(secrets),
  };
  if (isLibsql(target)) {
    return {
      ...shared,
      runner: target.runner,
      sqlite: undefined,
      transaction: undefined,
      foreignKeys: foreignKeyCache(target.client),
      replica: target.replica ? target.url : undefined,
      channel: (table: string) => queueChannel(target, table),
    } as never;
  }
  const sqlite = sqliteOf(target);
  return {
    ...shared,
    runner: syncRunner(sqlite),
    sqlite,
    transaction: <R>(fn: () => R): R => immediate(sqlite, fn)(),
    foreignKeys: foreignKeyCache(sqlite),
    replica: undefined,
    channel: (table: string) => queueChannel(sqlite, table),
  } as never;
}

/** How long a write keeps retrying a lock held by other processes before SQLITE_BUSY surfaces. */
export const BUSY_RETRY_MS = 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Wraps `fn` as a `BEGIN IMMEDIATE` transaction, built once. Inside another transaction it runs as
 * a savepoint, so callers can combine client operations with their own writes atomically.
 *
 * SQLite's busy handler is not fair: under heavy contention one process can wait out the whole
 * busy_timeout while others keep taking the lock. A top-level transaction that fails with
 * SQLITE_BUSY was rolled back entirely, so it is retried after a short random pause, up to
 * BUSY_RETRY_MS, and the caller never sees a transient lock.
 */
export function immediate<A extends unknown[], R>(
  sqlite: SqliteConnection,
  fn: (...args: A) => R,
): (...args: A) => R {
  const transaction = sqlite.transaction(fn);
  return (...args: A) => {
    if (sqlite.inTransaction) return transaction.immediate(...args);
    let deadline = 0;
    for (;;) {
      try {
        return transaction.immediate(...args);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
        const now = Date.now();
        if (deadline === 0) deadline = now + BUSY_RETRY_MS;
        else if (now > deadline) throw error;
        Atomics.wait(sleeper, 0, 0, 1 + Math.random() * 20);
      }
    }
  };
}

/** The change count of a run, as a number. */
export const changes = (result: RunResult): number => result.changes;
