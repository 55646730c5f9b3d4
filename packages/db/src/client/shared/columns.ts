import type { SqliteConnection, SqliteStatement } from '../../driver/types.ts';
import type { DatabaseName } from '@agentstate/schema';
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { constraintError } from './constraints.ts';
import { checkRowSizes } from './limits.ts';

/**
 * Row conversion driven by the Drizzle table: each column's own driver mapping (JSON mode,
 * timestamp modes, the ISO / datetime text types, booleans) turns typed values into the stored
 * format and back, so a column is always written in its original tool's format.
 */

interface DriverColumn {
  name: string;
  mapToDriverValue(value: unknown): unknown;
  mapFromDriverValue(value: unknown): unknown;
}

function columnsOf(table: Table): Array<[key: string, column: DriverColumn]> {
  return Object.entries(getTableColumns(table));
}

/** SQL row (snake_case, stored formats) to the table's typed row. */
export function rowMapper<T extends Table>(
  table: T,
): (row: Record<string, unknown>) => T['$inferSelect'] {
  const columns = columnsOf(table);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = row[column.name];
      out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return out;
  };
}

/**
 * Typed values (camelCase keys; undefined ones left out) to stored values keyed by SQL column
 * name, size-checked.
 */
export function toDriverRow(
  database: DatabaseName,
  table: Table,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of columnsOf(table)) {
    const value = values[key];
    if (value === undefined) continue;
    out[column.name] = value === null ? null : column.mapToDriverValue(value);
  }
  checkRowSizes(database, getTableName(table), out);
  return out;
}

/**
 * `INSERT ... RETURNING *` for exactly the columns given, prepared once per column set and
 * connection.
 */
export function inserter(sqlite: SqliteConnection, table: Table) {
  const name = getTableName(table);
  const cache = new Map<string, SqliteStatement>();
  return (row: Record<string, unknown>): Record<string, unknown> => {
    const columns = Object.keys(row);
    const key = columns.join(',');
    let statement = cache.get(key);
    if (!statement) {
      statement = sqlite.prepare(
        `INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns
          .map((c) => `@${c}`)
          .join(', ')}) RETURNING *`,
      );
      cache.set(key, statement);
    }
    const params: Record<string, unknown> = {};
    for (const column of columns) {
      const value = row[column];
      params[column] = typeof value === 'boolean' ? Number(value) : value;
    }
    try {
      return statement.get(params) as Record<string, unknown>;
    } catch (error) {
      throw constraintError(sqlite, name, params, error);
    }
  };
}
