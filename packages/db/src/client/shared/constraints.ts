import type { SqliteConnection } from '../../driver/types.ts';
import { RowValidationError, type ColumnIssue } from './errors.ts';

interface ForeignKey {
  from: string;
  table: string;
  to: string;
}

const foreignKeysOf = new WeakMap<SqliteConnection, Map<string, ForeignKey[]>>();

function foreignKeys(sqlite: SqliteConnection, table: string): ForeignKey[] {
  let byTable = foreignKeysOf.get(sqlite);
  if (!byTable) foreignKeysOf.set(sqlite, (byTable = new Map<string, ForeignKey[]>()));
  let keys = byTable.get(table);
  if (!keys) {
    keys = sqlite.pragma(`foreign_key_list(${JSON.stringify(table)})`) as ForeignKey[];
    byTable.set(table, keys);
  }
  return keys;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The columns of a failed write to `table` that broke a constraint, as issues: a reference to a
 * row that does not exist (SQLite names no column for a FOREIGN KEY failure, so each reference of
 * the row is looked up), or a value a primary key or unique index already holds. Empty when the
 * error is not one of those, or when the columns cannot be told.
 */
function constraintIssues(
  sqlite: SqliteConnection,
  table: string,
  values: Readonly<Record<string, unknown>>,
  error: unknown,
): ColumnIssue[] {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return foreignKeys(sqlite, table).flatMap(({ from, table: parent, to }) => {
      const value = values[from];
      if (value === null || value === undefined) return [];
      const found = sqlite
        .prepare(`SELECT 1 FROM ${quote(parent)} WHERE ${quote(to)} = ? LIMIT 1`)
        .get(value);
      if (found) return [];
      return [
        { column: from, path: '', message: `no ${parent} row has ${to} ${JSON.stringify(value)}` },
      ];
    });
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    // "UNIQUE constraint failed: job_queue.id" (or "t.a, t.b" for a composite key).
    const columns = String(message)
      .replace(/^.*failed: /, '')
      .split(', ');
    return columns
      .filter((qualified) => qualified.startsWith(`${table}.`))
      .map((qualified) => {
        const column = qualified.slice(table.length + 1);
        return {
          column,
          path: '',
          message: `${JSON.stringify(values[column]) ?? 'the value'} is already taken`,
        };
      });
  }
  return [];
}

/**
 * The error to throw for `error`, raised by a write of `values` (by SQL column) to `table`: a
 * foreign-key, primary-key or unique constraint it broke becomes a RowValidationError naming the
 * column (the write was rolled back, so nothing is written); any other error is returned as it is.
 * Used as `catch (error) { throw constraintError(...) }`: no cost until a write fails.
 */
export function constraintError(
  sqlite: SqliteConnection,
  table: string,
  values: Readonly<Record<string, unknown>>,
  error: unknown,
): unknown {
  const issues = constraintIssues(sqlite, table, values, error);
  return issues.length === 0 ? error : new RowValidationError(table, issues, { cause: error });
}
