import {
  afterCommit,
  all,
  get,
  pluck,
  type Operation,
  type Result,
  type Row,
} from '../../driver/operation.ts';
import { runnerOf, type ModeOfSource, type RunnerSource } from '../../driver/sync-runner.ts';
import { getTableColumns, getTableName, sql, type Column, type SQL, type Table } from 'drizzle-orm';
import { columnError, NotFoundError, StateError } from './errors.ts';
import { sqlText } from './sql-text.ts';
import { notify } from './wakeups.ts';
import { READ, SINGLE_WRITE } from './operations.ts';

/**
 * Dead letters: the jobs of a queue that failed for good (out of attempts), with their last
 * error, and putting them back to run again, one or all, with their attempts counted afresh.
 * One implementation for both queues (pokecode's job_queue, engine's workers).
 */

export interface DeadLetter<R> {
  job: R;
  /** The error of its last attempt. */
  error: string | null;
  /** When it failed for good. */
  failedAt: Date | null;
  attempts: number;
}

export interface DeadLetterListOptions {
  /** Default 100, at most DEAD_LETTER_LIMIT_MAX; newest failures first. */
  limit?: number;
  offset?: number;
}

export const DEAD_LETTER_LIMIT_MAX = 1000;

export interface DeadLetterSpec<F extends string> {
  /** The queue's table, with `id` and `status` columns. */
  table: Table;
  /** The columns of the last error, of the failure time and of the attempts count. */
  columns: { error: Column; failedAt: Column; attempts: Column };
  /** Equality filters: option name to column. */
  filters: Record<F, Column>;
  /** The SET clause that makes a failed job pending again; `@now` is bound. */
  reset: SQL;
  /** How `@now` is written in the table. */
  now: (ms: number) => unknown;
  /** A SQL value of `failedAt` to a Date. */
  toDate: (value: unknown) => Date | null;
}

export function createDeadLetters<S extends RunnerSource, R, F extends string>(
  source: S,
  clock: () => number,
  spec: DeadLetterSpec<F>,
  toRow: (row: Record<string, unknown>) => R,
  /** The queue's wake-up channel: a retried job wakes this process's idle workers at once. */
  channel?: string,
) {
  type M = ModeOfSource<S>;
  const runner = runnerOf(source);
  // Statements are rendered from the table's own columns (sql-text.ts).
  const table = getTableName(spec.table);
  const from = spec.table;
  const own = getTableColumns(spec.table);
  if (own.id === undefined || own.status === undefined) {
    throw new Error(`${table}: a dead-letter queue needs id and status columns`);
  }
  const column = (ref: Column): SQL => sql`${ref}`;
  const nameOf = (ref: Column): string => ref.name;
  const status = column(own.status as Column);
  const id = column(own.id as Column);
  const reset = spec.reset;
  const columns = {
    error: nameOf(spec.columns.error),
    failedAt: nameOf(spec.columns.failedAt),
    attempts: nameOf(spec.columns.attempts),
  };
  const filterNames = Object.keys(spec.filters) as F[];
  const where = (filters: readonly F[]) =>
    sql.join(
      [
        sql`${status} = 'failed'`,
        ...filters.map((f) => sql`${column(spec.filters[f])} = ${sql.raw(`@${f}`)}`),
      ],
      sql` AND `,
    );
  // The SQL of each combination of filters, built once (and prepared once by a sync runner).
  const texts = new Map<string, string>();
  const text = (key: string, build: () => SQL) => {
    let statement = texts.get(key);
    if (statement === undefined) texts.set(key, (statement = sqlText(build())));
    return statement;
  };
  const chosen = (options: Partial<Record<F, string>>) =>
    filterNames.filter((f) => options[f] !== undefined);
  const bind = (filters: readonly F[], options: Partial<Record<F, string>>) => {
    const params: Record<string, unknown> = {};
    for (const f of filters) {
      if (typeof options[f] !== 'string') {
        columnError(table, nameOf(spec.filters[f]), 'expected a string');
      }
      params[f] = options[f];
    }
    return params;
  };
  const retryOne = sqlText(
    sql`UPDATE ${from} SET ${reset} WHERE ${id} = @id AND ${status} = 'failed' RETURNING *`,
  );
  const statusOf = sqlText(sql`SELECT ${status} FROM ${from} WHERE ${id} = ?`);

  // Each operation's steps, built once (see operation.ts).
  function* list(statement: string, params: Row): Operation<Array<DeadLetter<R>>> {
    const rows = (yield all(statement, params)) as Row[];
    return rows.map((row) => ({
      job: toRow(row),
      error: row[columns.error] as string | null,
      failedAt: spec.toDate(row[columns.failedAt]),
      attempts: row[columns.attempts] as number,
    }));
  }
  function* count(statement: string, params: Row): Operation<number> {
    return (yield pluck(statement, params)) as number;
  }
  function* retry(id: string, now: unknown): Operation<R> {
    const row = (yield get(retryOne, { id, now })) as Row | undefined;
    if (row) return toRow(row);
    const status = (yield pluck(statusOf, [id])) as string | undefined;
    if (status === undefined) throw new NotFoundError(table, id);
    throw new StateError(table, id, status, 'retry it (only a failed job is retried)');
  }
  function* retryAll(statement: string, params: Row): Operation<number> {
    return ((yield all(statement, params)) as Row[]).length;
  }

  return {
    /** Failed jobs, newest failure first, each with its last error. */
    list(
      options: DeadLetterListOptions & Partial<Record<F, string>> = {},
    ): Result<M, Array<DeadLetter<R>>> {
      const limit = options.limit ?? 100;
      const offset = options.offset ?? 0;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > DEAD_LETTER_LIMIT_MAX) {
        throw new RangeError(
          `limit: expected an integer from 1 to ${DEAD_LETTER_LIMIT_MAX}, got ${String(limit)}`,
        );
      }
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new RangeError(`offset: expected an integer >= 0, got ${String(offset)}`);
      }
      const filters = chosen(options);
      const statement = text(
        `list|${filters.join(',')}`,
        () =>
          sql`SELECT * FROM ${from} WHERE ${where(filters)}
            ORDER BY ${column(spec.columns.failedAt)} DESC, rowid DESC LIMIT @limit OFFSET @offset`,
      );
      const params = { ...bind(filters, options), limit, offset };
      return runner.run(() => list(statement, params), READ);
    },

    /** How many failed jobs there are (with the filters given). */
    count(options: Partial<Record<F, string>> = {}): Result<M, number> {
      const filters = chosen(options);
      const statement = text(
        `count|${filters.join(',')}`,
        () => sql`SELECT count(*) FROM ${from} WHERE ${where(filters)}`,
      );
      const params = bind(filters, options);
      return runner.run(() => count(statement, params), READ);
    },

    /**
     * Puts one failed job back to pending, its attempts counted afresh; its last error stays
     * until an attempt replaces it. NotFoundError / StateError (not failed) otherwise.
     */
    retry(id: string): Result<M, R> {
      const now = spec.now(clock());
      return afterCommit(
        runner,
        runner.run(() => retry(id, now), SINGLE_WRITE),
        () => notify(channel, { kind: 'enqueued' }),
      );
    },

    /** Puts every failed job (with the filters given) back to pending, in one transaction. */
    retryAll(options: Partial<Record<F, string>> = {}): Result<M, number> {
      const filters = chosen(options);
      const statement = text(
        `retry-all|${filters.join(',')}`,
        () => sql`UPDATE ${from} SET ${reset} WHERE ${where(filters)} RETURNING ${id}`,
      );
      const params = { ...bind(filters, options), now: spec.now(clock()) };
      return afterCommit(
        runner,
        runner.run(() => retryAll(statement, params), SINGLE_WRITE),
        (n) => {
          if (n > 0) notify(channel, { kind: 'enqueued' });
        },
      );
    },
  };
}
