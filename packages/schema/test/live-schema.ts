import type Database from 'better-sqlite3';
import type { TableSpec } from './seed-specs.ts';

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/** Strips quoting and `table.` qualifiers so a partial index's WHERE compares as written. */
function normalizeWhere(sql: string, table: string): string {
  return sql.replace(/[`"]/g, '').replaceAll(`${table}.`, '').replace(/\s+/g, ' ').trim();
}

/** Reads a table's live schema from SQLite into the same form as a TableSpec. */
export function readTableSpec(db: Database.Database, table: string): TableSpec {
  const columns: TableSpec['columns'] = {};
  for (const column of db.pragma(`table_info(${JSON.stringify(table)})`) as ColumnInfo[]) {
    columns[column.name] = [
      column.type.toLowerCase(),
      column.notnull === 1,
      column.dflt_value,
      column.pk,
    ];
  }

  const indexes: NonNullable<TableSpec['indexes']> = {};
  const indexList = db.pragma(`index_list(${JSON.stringify(table)})`) as Array<{
    name: string;
    unique: number;
    origin: string;
    partial: number;
  }>;
  // Only indexes made by CREATE INDEX: primary keys are compared through table_info.
  for (const index of indexList.filter((entry) => entry.origin === 'c')) {
    const keyColumns = (
      db.pragma(`index_xinfo(${JSON.stringify(index.name)})`) as Array<{
        name: string | null;
        desc: number;
        key: number;
      }>
    )
      .filter((column) => column.key === 1)
      .map((column) => `${column.name}${column.desc ? ' desc' : ''}`);
    const spec: { columns: string[]; unique?: boolean; where?: string } = { columns: keyColumns };
    if (index.unique) spec.unique = true;
    if (index.partial) {
      const { sql } = db
        .prepare('SELECT sql FROM sqlite_master WHERE type = ? AND name = ?')
        .get('index', index.name) as { sql: string };
      spec.where = normalizeWhere(sql.slice(sql.search(/\bWHERE\b/i) + 'WHERE'.length), table);
    }
    indexes[index.name] = spec;
  }

  const foreignKeys = (
    db.pragma(`foreign_key_list(${JSON.stringify(table)})`) as Array<{
      from: string;
      table: string;
      to: string;
      on_delete: string;
    }>
  ).map((fk) => ({ from: fk.from, table: fk.table, to: fk.to, onDelete: fk.on_delete }));

  return { columns, indexes, foreignKeys };
}

/** User tables of a database, without SQLite's and the migrator's own. */
export function listTables(db: Database.Database): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
      )
      .all() as Array<{ name: string }>
  ).map((row) => row.name);
}

/** The virtual tables (FTS5 indexes), which the seed does not describe; their shadow tables aside. */
export function listVirtualTables(db: Database.Database): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'virtual' ORDER BY name",
      )
      .all() as Array<{ name: string }>
  ).map((row) => row.name);
}
