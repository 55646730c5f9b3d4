import type { RunResult, SqliteConnection } from '../../driver/types.ts';
import type { DatabaseHandle } from '../../open/open-database.ts';
import { SecretBox, type SecretOptions } from './secrets.ts';
import { systemClock, type Clock } from './time.ts';

/** What a client is built over: a handle from `openDatabase`, or a configured connection. */
export type ClientTarget = Pick<DatabaseHandle, 'sqlite'> | SqliteConnection;

export interface ClientOptions {
  /** Milliseconds since the epoch; tests pass a fake clock to move time. */
  clock?: Clock;
  /** Where the secret key comes from (mcpmaker config, multishot credentials). */
  secrets?: SecretOptions | SecretBox;
}

export function sqliteOf(target: ClientTarget): SqliteConnection {
  return 'sqlite' in target ? target.sqlite : target;
}

export interface ClientContext {
  sqlite: SqliteConnection;
  clock: Clock;
  secrets: SecretBox;
}

export function clientContext(target: ClientTarget, options: ClientOptions = {}): ClientContext {
  const secrets = options.secrets;
  return {
    sqlite: sqliteOf(target),
    clock: options.clock ?? systemClock,
    secrets: secrets instanceof SecretBox ? secrets : new SecretBox(secrets),
  };
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
