import type Database from 'better-sqlite3';
import type { DatabaseHandle } from '../../open/open-database.ts';
import { SecretBox, type SecretOptions } from './secrets.ts';
import { systemClock, type Clock } from './time.ts';

/** What a client is built over: a handle from `openDatabase`, or a configured connection. */
export type ClientTarget = Pick<DatabaseHandle, 'sqlite'> | Database.Database;

export interface ClientOptions {
  /** Milliseconds since the epoch; tests pass a fake clock to move time. */
  clock?: Clock;
  /** Where the secret key comes from (mcpmaker config, multishot credentials). */
  secrets?: SecretOptions | SecretBox;
}

export function sqliteOf(target: ClientTarget): Database.Database {
  return 'sqlite' in target ? target.sqlite : target;
}

export interface ClientContext {
  sqlite: Database.Database;
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

/**
 * Wraps `fn` as a `BEGIN IMMEDIATE` transaction, built once. Inside another transaction it runs as
 * a savepoint, so callers can combine client operations with their own writes atomically.
 */
export function immediate<A extends unknown[], R>(
  sqlite: Database.Database,
  fn: (...args: A) => R,
): (...args: A) => R {
  const transaction = sqlite.transaction(fn);
  return (...args: A) => transaction.immediate(...args);
}

/** The change count of a run, as a number. */
export const changes = (result: Database.RunResult): number => result.changes;
