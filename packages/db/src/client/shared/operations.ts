import {
  all,
  get,
  pluck,
  READ,
  run,
  SINGLE_WRITE,
  WRITE,
  type OperationKind,
  type Result,
  type Row,
  type Runner,
  type RunnerMode,
  type Step,
} from '../../driver/operation.ts';
import type { SqliteConnection } from '../../driver/types.ts';
import type { ClientContext } from './connection.ts';
import { constraintError, constraintErrorFromText } from './constraints.ts';

/** How the clients' operations run: plain reads, one statement, a transaction. */
export { READ, SINGLE_WRITE, WRITE };

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

// The one-statement operations every client has, written once. Each runs through
// `runner.statement`, without an operation's generator; a read unless `kind` says it writes.

/** The first row, mapped; undefined when there is none. */
export function rowOf<M extends RunnerMode, T>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'],
  map: (row: Row) => T,
  kind: OperationKind = READ,
): Result<M, T | undefined> {
  return runner.statement(
    get(sql, params),
    (row) => (row === undefined ? undefined : map(row as Row)),
    kind,
  );
}

/** The first row, mapped; `missing()` throws when there is none. */
export function requiredRowOf<M extends RunnerMode, T>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'],
  map: (row: Row) => T,
  missing: () => never,
  kind: OperationKind = READ,
): Result<M, T> {
  return runner.statement(
    get(sql, params),
    (row) => (row === undefined ? missing() : map(row as Row)),
    kind,
  );
}

/** The row an insert's RETURNING gives back, mapped (an insert that succeeds gives one). */
export function insertedRow<M extends RunnerMode, T>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'],
  map: (row: Row) => T,
): Result<M, T> {
  return runner.statement(
    get(sql, params),
    (row) => {
      if (row === undefined) throw new Error(`an insert gave back no row: ${sql}`);
      return map(row as Row);
    },
    SINGLE_WRITE,
  );
}

/** Every row, mapped. */
export function rowsOf<M extends RunnerMode, T>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'],
  map: (row: Row) => T,
  kind: OperationKind = READ,
): Result<M, T[]> {
  return runner.statement(all(sql, params), (rows) => (rows as Row[]).map(map), kind);
}

const isRow = (row: unknown): boolean => row !== undefined;

/** Whether the statement gave a row: a write confirmed by its RETURNING, or an existence check. */
export function found<M extends RunnerMode>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'],
  kind: OperationKind = READ,
): Result<M, boolean> {
  return runner.statement(get(sql, params), isRow, kind);
}

const asNumber = (value: unknown): number => value as number;

/** The first column of the first row, a number (a count, a sequence). */
export function numberOf<M extends RunnerMode>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'] = [],
): Result<M, number> {
  return runner.statement(pluck(sql, params), asNumber, READ);
}

/** How many rows a statement wrote. */
export function rowsWritten<M extends RunnerMode>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'],
): Result<M, number> {
  return runner.statement(run(sql, params), asNumber, SINGLE_WRITE);
}

const nothing = (): void => undefined;

/** A write whose outcome is not needed. */
export function write<M extends RunnerMode>(
  runner: Runner<M>,
  sql: string,
  params: Step['params'],
): Result<M, void> {
  return runner.statement(run(sql, params), nothing, SINGLE_WRITE);
}
