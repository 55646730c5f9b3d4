import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, InStatement, InValue, ResultSet, Transaction } from '@libsql/client';
import type { DatabaseName } from '@agentstate/schema';
import { BUSY_RETRY_MS } from '../client/shared/connection.ts';
import { DEFAULT_BUSY_TIMEOUT_MS, JOURNAL_SIZE_LIMIT_BYTES } from '../open/pragmas.ts';
import {
  driveAsync,
  type Operation,
  type OperationKind,
  type Runner,
  type Step,
} from './operation.ts';

/** Where the auth token comes from when no `authToken` option is given. */
export const LIBSQL_AUTH_TOKEN_ENV = 'AGENTSTATE_LIBSQL_AUTH_TOKEN';

export interface LibsqlOptions {
  /** `file:…`, `libsql://…`, `http(s)://…` or `ws(s)://…`. */
  url: string;
  /** A Turso or sqld token; default `AGENTSTATE_LIBSQL_AUTH_TOKEN`. */
  authToken?: string;
  /**
   * An embedded replica's primary (Turso's offline-first sync). Such a client is refused for
   * queues and leases: replicas replay rows by primary key, last push wins, so a claim succeeds
   * on both replicas.
   */
  syncUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LibsqlHandle {
  readonly name: DatabaseName;
  readonly driver: 'libsql';
  readonly url: string;
  /** The file of a `file:` URL; undefined for a server. */
  readonly path: string | undefined;
  /** True for an embedded replica (`syncUrl`): nothing that leases or counts may run on it. */
  readonly replica: boolean;
  readonly client: Client;
  readonly runner: Runner<'async'>;
  close(): void;
}

/** The file a `file:` URL names (`file:relative.db`, `file:///abs.db`), else undefined. */
export function libsqlFilePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  // split always yields at least one part: the URL up to its query, or the whole URL.
  const [location = url] = url.split('?');
  if (location.startsWith('file://')) return fileURLToPath(location);
  return resolve(location.slice('file:'.length));
}

export function checkLibsqlUrl(url: string): void {
  if (!/^(file|libsql|https?|wss?):/.test(url)) {
    throw new TypeError(
      `url: '${url}' is not a libSQL URL (file:, libsql://, http(s):// or ws(s)://)`,
    );
  }
}

/** Opens a libSQL client (the package loads only when a libSQL database is opened). */
export async function openLibsqlClient(
  name: DatabaseName,
  options: LibsqlOptions,
): Promise<LibsqlHandle> {
  checkLibsqlUrl(options.url);
  const { createClient } = await import('@libsql/client');
  const env = options.env ?? process.env;
  const authToken = options.authToken ?? env[LIBSQL_AUTH_TOKEN_ENV] ?? undefined;
  const client = createClient({
    url: options.url,
    ...(authToken ? { authToken } : {}),
    ...(options.syncUrl ? { syncUrl: options.syncUrl } : {}),
    intMode: 'number',
  });
  const path = libsqlFilePath(options.url);
  if (path !== undefined) {
    // Persistent settings of the file; per-connection ones go before every write (libsqlRunner).
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute(`PRAGMA journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  }
  if (path !== undefined) openFiles.set(path, (openFiles.get(path) ?? 0) + 1);
  let closed = false;
  return {
    name,
    driver: 'libsql',
    url: options.url,
    path,
    replica: options.syncUrl !== undefined,
    client,
    runner: libsqlRunner(client, path !== undefined),
    close: () => {
      if (closed) return;
      closed = true;
      client.close();
      if (path !== undefined) {
        const left = (openFiles.get(path) ?? 1) - 1;
        if (left > 0) openFiles.set(path, left);
        else openFiles.delete(path);
      }
    },
  };
}

// The files this process has libSQL clients open on. Another SQLite library (better-sqlite3,
// bun:sqlite) must not open such a file in the same process: POSIX locks belong to the process,
// so its close would drop the locks libSQL holds, and the two would not see each other's locks.
const openFiles = new Map<string, number>();

/** True while this process has a libSQL client open on `path`. */
export const libsqlHoldsFile = (path: string): boolean => openFiles.has(path);

/** SQLITE_BUSY (or LOCKED) from @libsql/client, on a file or a server. */
export const isBusy = (error: unknown): boolean => {
  const e = error as { code?: unknown; rawCode?: unknown };
  return e.code === 'SQLITE_BUSY' || e.rawCode === 5 || e.code === 'SQLITE_LOCKED';
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Executor = Pick<Client | Transaction, 'execute'>;

async function execute(target: Executor, { sql, params, mode }: Step): Promise<unknown> {
  const statement: InStatement = {
    sql,
    args: params as InValue[] | Record<string, InValue>,
  };
  const result: ResultSet = await target.execute(statement);
  switch (mode) {
    case 'get':
      return result.rows[0] === undefined ? undefined : plainRow(result, 0);
    case 'all':
      return result.rows.map((_, i) => plainRow(result, i));
    case 'run':
      return result.rowsAffected;
    case 'pluck':
      return result.rows[0] === undefined ? undefined : result.rows[0][0];
  }
}

/** A row as a plain object keyed by column name, as the synchronous drivers give it. */
function plainRow(result: ResultSet, index: number): Record<string, unknown> {
  const row = result.rows[index];
  if (row === undefined) {
    throw new RangeError(`libsql: row ${index} is outside the ${result.rows.length} rows returned`);
  }
  const plain: Record<string, unknown> = {};
  result.columns.forEach((column, i) => {
    plain[column] = row[i];
  });
  return plain;
}

/**
 * The runner of a libSQL client. A write operation is one `transaction('write')` (BEGIN
 * IMMEDIATE on a connection of its own, for `file:` and for a server alike), committed when the
 * operation ends and rolled back if it throws; a read runs its statements on the client.
 *
 * SQLITE_BUSY: libSQL's `file:` connections wait about a millisecond for a lock, so the retry
 * lives here (a random pause, up to BUSY_RETRY_MS), as it does for the synchronous drivers. A
 * write that fails with SQLITE_BUSY can leave its connection inside a hidden open transaction
 * (libsql-client-ts #352): every write here runs in a transaction whose connection is closed
 * after it, whatever happened, so no later write can land in such a transaction.
 *
 * `file:` connections get the connection settings the synchronous drivers have (foreign keys,
 * busy timeout, synchronous) before each write transaction: the client opens a new connection
 * after every transaction, and SQLite ignores these pragmas inside one.
 */
export function libsqlRunner(client: Client, local: boolean): Runner<'async'> {
  const settings = [
    'PRAGMA foreign_keys = ON',
    `PRAGMA busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`,
    'PRAGMA synchronous = NORMAL',
  ].join('; ');
  // A write: `body` runs its statements on one transaction, committed once it has.
  async function writeOnce<R>(body: (transaction: Transaction) => Promise<R>): Promise<R> {
    if (local) await client.executeMultiple(settings);
    const transaction = await client.transaction('write');
    try {
      const result = await body(transaction);
      await transaction.commit();
      return result;
    } finally {
      transaction.close();
    }
  }
  async function retried<R>(body: (transaction: Transaction) => Promise<R>): Promise<R> {
    let deadline = 0;
    for (;;) {
      try {
        return await writeOnce(body);
      } catch (error) {
        if (!isBusy(error)) throw error;
        const now = Date.now();
        if (deadline === 0) deadline = now + BUSY_RETRY_MS;
        else if (now > deadline) throw error;
        await sleep(1 + Math.random() * 20);
      }
    }
  }
  // One write at a time per client: SQLite admits one writer anyway, and the settings must reach
  // the very connection the next transaction takes.
  let queue: Promise<unknown> = Promise.resolve();
  function write<R>(body: (transaction: Transaction) => Promise<R>): Promise<R> {
    const result = queue.then(() => retried(body));
    queue = result.catch(() => {});
    return result;
  }
  return {
    mode: 'async',
    run<R>(operation: () => Operation<R>, kind: OperationKind): Promise<R> {
      if (!kind.write) return driveAsync(operation(), (step) => execute(client, step));
      return write((transaction) => driveAsync(operation(), (step) => execute(transaction, step)));
    },
    statement<R>(step: Step, decode: (result: unknown) => R, kind: OperationKind): Promise<R> {
      if (!kind.write) return execute(client, step).then(decode);
      return write((transaction) => execute(transaction, step).then(decode));
    },
  };
}
