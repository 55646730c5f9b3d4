import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import type { z } from 'zod';

/** One problem with one column of a row. */
export interface ColumnIssue {
  /** SQL column name, e.g. `dom_events`; empty when the problem is with the row as a whole. */
  column: string;
  /** Where inside a JSON value, e.g. `[0].type`; empty for the column itself. */
  path: string;
  message: string;
}

/**
 * A row rejected at the boundary. The message names the table, the SQL column and the problem,
 * e.g. `sessions.dom_events[0].type: Invalid option: expected one of "click"|"input"|...`.
 */
export class RowValidationError extends Error {
  override readonly name = 'RowValidationError';
  constructor(
    readonly table: string,
    readonly issues: readonly ColumnIssue[],
    /** `cause`: the database error a rejected write raised, when the database rejected it. */
    options?: ErrorOptions,
  ) {
    super(
      issues
        .map((issue) => {
          const where = issue.column ? `${table}.${issue.column}${issue.path}` : table;
          return `${where}: ${issue.message}`;
        })
        .join('; '),
      options,
    );
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

/** Translates zod issues on a row into column issues with SQL names. */
export function columnIssues(table: Table, error: z.ZodError): ColumnIssue[] {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  return error.issues.map((issue) => {
    const [key, ...rest] = issue.path;
    const column = typeof key === 'string' ? (columns[key]?.name ?? key) : '';
    return { column, path: formatPath(rest), message: issue.message };
  });
}

/**
 * Parses a row with one of a table's zod schemas; throws a RowValidationError naming the table
 * and column on failure.
 */
export function parseRow<TSchema extends z.ZodType>(
  table: Table,
  schema: TSchema,
  value: unknown,
): z.output<TSchema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RowValidationError(getTableName(table), columnIssues(table, result.error));
}
