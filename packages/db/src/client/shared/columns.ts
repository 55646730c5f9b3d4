import { get, type Operation } from '../../driver/operation.ts';
import type { DatabaseName } from '@agentstate/schema';
import { getTableColumns, getTableName, sql, type Table } from 'drizzle-orm';
import { explainConstraint, type ForeignKeyCache } from './constraints.ts';
import { checkRowSizes } from './limits.ts';
import { sqlText } from './sql-text.ts';

/**
 * Writes of a dynamic set of columns driven by the Drizzle table: each column's own driver mapping
 * (JSON mode, timestamp modes, the ISO / datetime text types, booleans) turns typed values into
 * the stored format, so a column is always written in its original tool's format. Rows are read
 * back by `rowDecoder` (row-codec.ts).
 */

interface DriverColumn {
  name: string;
  mapToDriverValue(value: unknown): unknown;
}

function columnsOf(table: Table): Array<[key: string, column: DriverColumn]> {
  return Object.entries(getTableColumns(table));
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
    let text = cache.get(key);
    if (text === undefined) {
      const names = sql.join(
        columns.map((c) => sql.identifier(c)),
        sql`, `,
      );
      const values = sql.raw(columns.map((c) => `@${c}`).join(', '));
      text = sqlText(sql`INSERT INTO ${table} (${names}) VALUES (${values}) RETURNING *`);
      cache.set(key, text);
    }
    const params: Record<string, unknown> = {};
    for (const column of columns) {
      const value = row[column];
      params[column] = typeof value === 'boolean' ? Number(value) : value;
    }
    try {
      return (yield get(text, params)) as Record<string, unknown>;
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, name, params, error);
    }
  };
}
