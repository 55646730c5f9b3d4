/**
 * What the runtime needs of a synchronous SQLite connection: the part of better-sqlite3's API this
 * package uses. better-sqlite3's `Database` is one as it is; `bun:sqlite` gets a thin adapter.
 */

export type DriverKind = 'better-sqlite3' | 'bun:sqlite' | 'libsql';
export type SyncDriverKind = Exclude<DriverKind, 'libsql'>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

// Generic like better-sqlite3's own types, so its Database is a SqliteConnection as it is.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type VariableArgFunction = (...params: any[]) => unknown;
type ArgumentTypes<F extends VariableArgFunction> = F extends (...args: infer A) => unknown
  ? A
  : never;

export interface SqliteStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): RunResult;
  /** The first row, or undefined when there is none. */
  get(...params: P): R | undefined;
  all(...params: P): R[];
  iterate(...params: P): IterableIterator<R>;
  /** Rows as their first column's value, from now on (better-sqlite3's toggle). */
  pluck(toggle?: boolean): this;
}

export interface SqliteTransaction<F extends VariableArgFunction> {
  (...params: ArgumentTypes<F>): ReturnType<F>;
  deferred(...params: ArgumentTypes<F>): ReturnType<F>;
  immediate(...params: ArgumentTypes<F>): ReturnType<F>;
  exclusive(...params: ArgumentTypes<F>): ReturnType<F>;
}

export interface SqliteConnection {
  /** The file path as opened (`:memory:` or '' for a temporary database). */
  readonly name: string;
  readonly open: boolean;
  readonly readonly: boolean;
  readonly memory: boolean;
  readonly inTransaction: boolean;
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- better-sqlite3's own bound
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(
    sql: string,
  ): P extends unknown[] ? SqliteStatement<P, R> : SqliteStatement<[P], R>;
  exec(sql: string): unknown;
  /** `PRAGMA source`: its rows, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<F extends VariableArgFunction>(fn: F): SqliteTransaction<F>;
  close(): unknown;
}

export interface SyncOpenOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
}
