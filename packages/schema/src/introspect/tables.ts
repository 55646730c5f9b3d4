import { getTableName } from 'drizzle-orm';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { RowSchemas } from '../row-schemas.ts';
import { definitionOf, type DatabaseName } from '../registry.ts';

/**
 * What drizzle's getTableConfig returns: columns, keys, indexes, checks. Its columns are typed
 * `SQLiteColumn<any>`; here they are plain `SQLiteColumn`s, so reading them stays type-checked.
 */
export type TableConfig = Omit<ReturnType<typeof getTableConfig>, 'columns'> & {
  columns: SQLiteColumn[];
};

/** One table of a database with drizzle's view of it (columns, keys, indexes). */
export interface TableInfo {
  /** The export name in the schema module, e.g. `sessionMessages`. */
  key: string;
  /** The SQL name, e.g. `session_messages`. */
  name: string;
  table: SQLiteTable;
  config: TableConfig;
}

/** A database's tables, sorted by SQL name so everything derived from them is deterministic. */
export function databaseTables(name: DatabaseName): TableInfo[] {
  const keys = new Map<unknown, string>(
    Object.entries(definitionOf(name).schema).map(([key, value]) => [value, key]),
  );
  return definitionOf(name).tables.map((table) => ({
    key: keys.get(table) ?? getTableName(table),
    name: getTableName(table),
    table,
    config: getTableConfig(table),
  }));
}

/** Each table's row schemas (insert, select, update), from its database's definition. */
export function tableZodSchemas(name: DatabaseName): Map<SQLiteTable, RowSchemas> {
  const rows = Object.values(definitionOf(name).rows as Record<string, RowSchemas>);
  return new Map(rows.map((schemas) => [schemas.table as SQLiteTable, schemas]));
}

/** Parents before children, following foreign keys; cycles are broken at nullable references. */
export function insertionOrder(tables: readonly TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: TableInfo[] = [];
  const visit = (t: TableInfo) => {
    if (done.has(t.name) || visiting.has(t.name)) return;
    visiting.add(t.name);
    for (const fk of t.config.foreignKeys) {
      const ref = fk.reference();
      const parent = byName.get(getTableName(ref.foreignTable));
      // A nullable reference can be filled in after the parent exists, so it never forces order.
      const required = ref.columns.every((c) => c.notNull);
      if (parent && parent !== t && required) visit(parent);
    }
    visiting.delete(t.name);
    done.add(t.name);
    ordered.push(t);
  };
  for (const t of tables) visit(t);
  return ordered;
}

/** SQL names of the primary key's columns (a column's `.primaryKey()` or a `primaryKey({...})`). */
export function primaryKeyColumns(info: TableInfo): string[] {
  const single = info.config.columns.filter((c) => c.primary).map((c) => c.name);
  if (single.length > 0) return single;
  return info.config.primaryKeys[0]?.columns.map((c) => c.name) ?? [];
}
