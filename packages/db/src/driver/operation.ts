import type { SqliteConnection, SqliteStatement } from './types.ts';

/**
 * One implementation of each client operation for every driver: an operation is a generator that
 * yields the statements it runs and receives their results. A synchronous runner (better-sqlite3,
 * bun:sqlite) runs it to the end at once and returns its value; the libSQL runner awaits each
 * statement and returns a promise. Validation, row codecs and decisions between statements are the
 * same code on both.
 *
 * Write each operation's generator function once (per client or module) and pass the call's
 * values as arguments: `runner.run(() => getSession(id), READ)`. A generator function expression
 * inside the call costs microseconds each time (V8 builds a prototype for every generator
 * function), more than a point read on better-sqlite3.
 */

/** `get`: the first row or undefined; `all`: the rows; `run`: rows written; `pluck`: first column. */
export type StepMode = 'get' | 'all' | 'run' | 'pluck';

export interface Step {
  readonly sql: string;
  readonly params: readonly unknown[] | Readonly<Record<string, unknown>>;
  readonly mode: StepMode;
}

/** What a yielded step gives back, by mode (rows are untyped until a codec reads them). */
export type Row = Record<string, unknown>;

export type Operation<R> = Generator<Step, R, unknown>;

const step =
  (mode: StepMode) =>
  (sql: string, params: Step['params'] = []) =>
    ({ sql, params, mode }) as Step;

/** Builders used as `const row = (yield get(sql, params)) as Row | undefined`. */
export const get = step('get');
export const all = step('all');
export const run = step('run');
export const pluck = step('pluck');

/** How an operation runs: a write is one immediate transaction, a read is plain statements. */
export interface OperationKind {
  write: boolean;
  /**
   * The write is one statement: on a synchronous driver it runs as SQLite's own autocommit
   * transaction, with no BEGIN and COMMIT around it.
   */
  single?: boolean;
}

/** Plain reads. */
export const READ: OperationKind = { write: false };
/** A write of one statement: SQLite's own autocommit on a synchronous driver. */
export const SINGLE_WRITE: OperationKind = { write: true, single: true };
/** A write of several statements: one immediate transaction. */
export const WRITE: OperationKind = { write: true };

/** Whether the runner's results are values (`sync`) or promises (`async`). */
export type RunnerMode = 'sync' | 'async';
export type Result<M extends RunnerMode, R> = M extends 'sync' ? R : Promise<R>;

export interface Runner<M extends RunnerMode> {
  readonly mode: M;
  run<R>(operation: () => Operation<R>, kind: OperationKind): Result<M, R>;
  /**
   * An operation of one statement, its result given to `decode`: the same as an operation that
   * yields the one step, without the generator (a point read's cost on Bun is mostly that
   * machinery). A write runs as `run` runs it: its own transaction on libSQL.
   */
  statement<R>(step: Step, decode: (result: unknown) => R, kind: OperationKind): Result<M, R>;
}

/** The operation of one step, for a runner that needs an operation (`statement` as a write). */
export function* oneStep<R>(step: Step, decode: (result: unknown) => R): Operation<R> {
  return decode(yield step);
}

/**
 * Runs every step of an operation on a synchronous connection, preparing each SQL text once per
 * connection (the statements of a client are a fixed set).
 */
export function syncStepper(sqlite: SqliteConnection): (step: Step) => unknown {
  const prepared = new Map<string, SqliteStatement>();
  const plucked = new Map<string, SqliteStatement>();
  const statement = (sql: string, pluckMode: boolean) => {
    const cache = pluckMode ? plucked : prepared;
    let found = cache.get(sql);
    if (!found) {
      found = sqlite.prepare(sql);
      if (pluckMode) found.pluck();
      cache.set(sql, found);
    }
    return found;
  };
  return ({ sql, params, mode }) => {
    switch (mode) {
      case 'get':
        return bound(statement(sql, false), 'get', params);
      case 'all':
        return bound(statement(sql, false), 'all', params);
      case 'run':
        return (bound(statement(sql, false), 'run', params) as { changes: number }).changes;
      case 'pluck':
        return bound(statement(sql, true), 'get', params);
    }
  };
}

/**
 * Calls a statement's method with a step's parameters passed one by one for the usual counts: a
 * spread (`get(...args)`) allocates on every call, a cost a point read on Bun shows.
 */
function bound(
  statement: SqliteStatement,
  method: 'get' | 'all' | 'run',
  params: Step['params'],
): unknown {
  // Called with .call on its own statement, so `this` is bound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const call: (this: SqliteStatement, ...args: unknown[]) => unknown = statement[method];
  if (!Array.isArray(params)) return call.call(statement, params);
  const args = params as readonly unknown[];
  switch (args.length) {
    case 0:
      return call.call(statement);
    case 1:
      return call.call(statement, args[0]);
    case 2:
      return call.call(statement, args[0], args[1]);
    case 3:
      return call.call(statement, args[0], args[1], args[2]);
    default:
      return call.apply(statement, args as unknown[]);
  }
}

/**
 * Drives an operation with a synchronous step function. A step that throws is thrown into the
 * operation, so it can catch a conflict and try again (`insertWithFreshId`).
 */
export function drive<R>(operation: Operation<R>, execute: (step: Step) => unknown): R {
  let next = operation.next();
  while (!next.done) {
    let result: unknown;
    try {
      result = execute(next.value);
    } catch (error) {
      next = operation.throw(error);
      continue;
    }
    next = operation.next(result);
  }
  return next.value;
}

/** Drives an operation with an asynchronous step function. */
export async function driveAsync<R>(
  operation: Operation<R>,
  execute: (step: Step) => Promise<unknown>,
): Promise<R> {
  let next = operation.next();
  while (!next.done) {
    let result: unknown;
    try {
      result = await execute(next.value);
    } catch (error) {
      next = operation.throw(error);
      continue;
    }
    next = operation.next(result);
  }
  return next.value;
}

/** Maps an operation's result, a value or a promise of one, with `fn` on either kind of runner. */
export function mapResult<M extends RunnerMode, R, T>(
  runner: Runner<M>,
  result: Result<M, R>,
  fn: (value: R) => T,
): Result<M, T> {
  if (runner.mode === 'sync') return fn(result as R) as Result<M, T>;
  return (result as Promise<R>).then(fn) as Result<M, T>;
}

/** Calls `then` with an operation's value once it has committed, on either kind of runner. */
export function afterCommit<M extends RunnerMode, R>(
  runner: Runner<M>,
  result: Result<M, R>,
  then: (value: R) => void,
): Result<M, R> {
  return mapResult(runner, result, (value) => {
    then(value);
    return value;
  });
}

/** Runs `attempt`, mapping a thrown or rejected error with `mapError`, on either kind of runner. */
export function settle<M extends RunnerMode, R>(
  runner: Runner<M>,
  attempt: () => unknown,
  mapError: (error: unknown) => unknown,
): M extends 'sync' ? R : Promise<R> {
  if (runner.mode === 'async') {
    return (attempt() as Promise<R>).catch((error: unknown) => {
      throw mapError(error);
    }) as never;
  }
  try {
    return attempt() as never;
  } catch (error) {
    throw mapError(error);
  }
}
