import { get, type Operation } from '../../driver/operation.ts';
import type { DatabaseName } from '@agentstate/schema';
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { explainConstraint, type ForeignKeyCache } from './constraints.ts';
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
 * `INSERT ... RETURNING *` for exactly the columns given, as the step of an operation (its SQL
 * built once per column set; a synchronous runner prepares it once). A broken constraint is
 * explained (constraints.ts).
 */
export function inserter(table: Table, foreignKeys: ForeignKeyCache) {
  const name = getTableName(table);
  const cache = new Map<string, string>();
  return function* insert(row: Record<string, unknown>): Operation<Record<string, unknown>> {
    const columns = Object.keys(row);
    const key = columns.join(',');
    let sql = cache.get(key);
    if (sql === undefined) {
      sql = `INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns
        .map((c) => `@${c}`)
        .join(', ')}) RETURNING *`;
      cache.set(key, sql);
    }
    const params: Record<string, unknown> = {};
    for (const column of columns) {
      const value = row[column];
      params[column] = typeof value === 'boolean' ? Number(value) : value;
    }
    try {
      return (yield get(sql, params)) as Record<string, unknown>;
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, name, params, error);
    }
  };
}
