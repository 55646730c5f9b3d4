import {
  all,
  get,
  pluck,
  run,
  type Operation,
  type OperationKind,
  type Row,
  type RunnerMode,
  type Step,
} from '../../driver/operation.ts';
import type { SqliteConnection } from '../../driver/types.ts';
import type { ClientContext } from './connection.ts';
import { constraintError, constraintErrorFromText } from './constraints.ts';

/** How the clients' operations run (operation.ts): plain reads, one statement, a transaction. */
export const READ: OperationKind = { write: false };
/** A write of one statement: SQLite's own autocommit on a synchronous driver. */
export const SINGLE_WRITE: OperationKind = { write: true, single: true };
/** A write of several statements: one immediate transaction. */
export const WRITE: OperationKind = { write: true };

/**
 * How a queue explains a broken constraint of a write: from the live schema on a synchronous
 * connection, from the error text on libSQL (the queue answers at once on every driver).
 */
export function queueErrors<M extends RunnerMode>(
  ctx: ClientContext<M>,
  table: string,
): (error: unknown, values: Row) => unknown {
  const sqlite: SqliteConnection | undefined = ctx.sqlite;
  return sqlite
    ? (error, values) => constraintError(sqlite, table, values, error)
    : (error, values) => constraintErrorFromText(table, values, error);
}

// The one-statement operations every client has, written once (see operation.ts on why an
// operation's generator function is never created per call).

/** The first row, mapped; undefined when there is none. */
export function* rowOf<T>(
  sql: string,
  params: Step['params'],
  map: (row: Row) => T,
): Operation<T | undefined> {
  const row = (yield get(sql, params)) as Row | undefined;
  return row === undefined ? undefined : map(row);
}

/** The first row, mapped; `missing()` throws when there is none. */
export function* requiredRowOf<T>(
  sql: string,
  params: Step['params'],
  map: (row: Row) => T,
  missing: () => never,
): Operation<T> {
  const row = (yield get(sql, params)) as Row | undefined;
  return row === undefined ? missing() : map(row);
}

/** Every row, mapped. */
export function* rowsOf<T>(
  sql: string,
  params: Step['params'],
  map: (row: Row) => T,
): Operation<T[]> {
  return ((yield all(sql, params)) as Row[]).map(map);
}

/** Whether the statement gave a row: a write confirmed by its RETURNING, or an existence check. */
export function* found(sql: string, params: Step['params']): Operation<boolean> {
  return (yield get(sql, params)) !== undefined;
}

/** The first column of the first row. */
export function* valueOf<T>(sql: string, params: Step['params'] = []): Operation<T> {
  return (yield pluck(sql, params)) as T;
}

/** How many rows a statement wrote. */
export function* rowsWritten(sql: string, params: Step['params']): Operation<number> {
  return (yield run(sql, params)) as number;
}

/** A write whose outcome is not needed. */
export function* write(sql: string, params: Step['params']): Operation<void> {
  yield run(sql, params);
}
