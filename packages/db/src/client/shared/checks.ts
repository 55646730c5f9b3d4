import { RowValidationError } from '@agentstate/schema';
import type { z } from 'zod';
import { columnError } from './errors.ts';

/**
 * Field checks for the hot write paths, equivalent to the zod insert schemas' checks for those
 * columns but without building a parsed copy of the row. Each throws a RowValidationError naming
 * the table and SQL column.
 */

export function requireString(table: string, column: string, value: unknown): string {
  if (typeof value !== 'string') columnError(table, column, describe('a string', value));
  return value;
}

export function optionalString(table: string, column: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return requireString(table, column, value);
}

export function requireEnum<T extends string>(
  table: string,
  column: string,
  value: unknown,
  allowed: ReadonlySet<string>,
): T {
  if (typeof value !== 'string' || !allowed.has(value)) {
    columnError(
      table,
      column,
      `Invalid option: expected one of ${[...allowed].map((v) => JSON.stringify(v)).join('|')}, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value as T;
}

export function optionalInt(
  table: string,
  column: string,
  value: unknown,
  min = Number.MIN_SAFE_INTEGER,
): number | null {
  if (value === undefined || value === null) return null;
  return requireInt(table, column, value, min);
}

export function requireInt(
  table: string,
  column: string,
  value: unknown,
  min = Number.MIN_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    columnError(table, column, describe('an integer', value));
  }
  if (value < min) columnError(table, column, `expected an integer >= ${min}, got ${value}`);
  return value;
}

export function optionalDate(table: string, column: string, value: unknown): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    columnError(table, column, describe('a valid Date', value));
  }
  return value;
}

/** Parses one JSON column's value with its zod shape; issues are reported under that column. */
export function checkShape<S extends z.ZodType>(
  table: string,
  column: string,
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RowValidationError(
    table,
    result.error.issues.map((issue) => ({
      column,
      path: issue.path
        .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
        .join(''),
      message: issue.message,
    })),
  );
}

function describe(expected: string, value: unknown): string {
  if (value === undefined)
    return `Invalid input: expected ${expected}, received undefined (required)`;
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `Invalid input: expected ${expected}, received ${type}`;
}

/** Serialises a JSON value for a text column; fails on values JSON cannot hold. */
export function toJsonText(table: string, column: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    columnError(table, column, `not serialisable as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) columnError(table, column, 'not serialisable as JSON');
  return text;
}

/**
 * An insert input as callers write it: the `Required` keys, and any other column left out to take
 * its default or null (the insert schema still checks the row at run time).
 */
export type WriteInput<T, Required extends keyof T> = Pick<T, Required> &
  Partial<Omit<T, Required>>;

/** Rows of `SELECT status, count(*) AS n ... GROUP BY status` as a count for every status. */
export function countByStatus<S extends string>(
  statuses: readonly S[],
  rows: ReadonlyArray<{ status: S; n: number }>,
): Record<S, number> {
  const counts = Object.fromEntries(statuses.map((status) => [status, 0])) as Record<S, number>;
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}
