import type { DatabaseName } from '@agentstate/schema';
import {
  databaseRelationships,
  databaseTables,
  enumValues,
  primaryKeyColumns,
} from '@agentstate/schema/introspect';
import { getTableColumns } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** How the browser shows a column's values; derived from the Drizzle column, never guessed from data. */
export type ColumnDisplay =
  | 'text'
  | 'number'
  | 'boolean'
  | 'json'
  | 'timestamp-seconds'
  | 'timestamp-millis'
  | 'datetime-text';

export interface ColumnMeta {
  /** SQL name: the only form of a column identifier that reaches SQL. */
  name: string;
  /** TypeScript key in the Drizzle table. */
  key: string;
  sqlType: string;
  display: ColumnDisplay;
  notNull: boolean;
  primaryKey: boolean;
  hasDefault: boolean;
  enumValues: readonly string[] | undefined;
}

/** A link from rows of one table to rows of another: a foreign key, or a Drizzle `one()` relation. */
export interface LinkMeta {
  /** The relation's name when Drizzle declares one, else the foreign key's columns. */
  name: string;
  fromTable: string;
  fromColumns: string[];
  toTable: string;
  toColumns: string[];
  /** True when SQLite enforces it (a FOREIGN KEY); false for a relation declared only in Drizzle. */
  foreignKey: boolean;
  onDelete: string | undefined;
}

export interface TableMeta {
  name: string;
  /** The export name in @agentstate/schema, e.g. `sessionMessages`. */
  key: string;
  columns: ColumnMeta[];
  primaryKey: string[];
  indexes: Array<{ name: string; columns: string[]; unique: boolean }>;
  /** Links leaving this table (its foreign keys and `one()` relations). */
  outgoing: LinkMeta[];
  /** Links from other tables into this one. */
  incoming: LinkMeta[];
}

export interface DatabaseMeta {
  name: DatabaseName;
  tables: TableMeta[];
  links: LinkMeta[];
}

function columnDisplay(column: SQLiteColumn): ColumnDisplay {
  switch (column.columnType) {
    case 'SQLiteBoolean':
      return 'boolean';
    case 'SQLiteTextJson':
    case 'SQLiteBlobJson':
      return 'json';
    case 'SQLiteTimestamp':
      return (column as SQLiteColumn & { mode?: string }).mode === 'timestamp_ms'
        ? 'timestamp-millis'
        : 'timestamp-seconds';
    case 'SQLiteCustomColumn':
      // The schema's only custom columns are its text timestamps (UTC, ISO and local text).
      return 'datetime-text';
    case 'SQLiteInteger':
    case 'SQLiteReal':
    case 'SQLiteNumeric':
    case 'SQLiteBigInt':
      return 'number';
    default:
      return 'text';
  }
}

/** Reads a database's tables, columns, enums, keys and links from the schema's introspection. */
export function describeDatabase(name: DatabaseName): DatabaseMeta {
  const tables: TableMeta[] = databaseTables(name).map((info) => {
    const keyByName = new Map(
      Object.entries(getTableColumns(info.table)).map(([key, column]) => [column.name, key]),
    );
    return {
      name: info.name,
      key: info.key,
      columns: info.config.columns.map((column) => ({
        name: column.name,
        key: keyByName.get(column.name) ?? column.name,
        sqlType: column.getSQLType(),
        display: columnDisplay(column),
        notNull: column.notNull,
        primaryKey: column.primary,
        hasDefault: column.hasDefault,
        enumValues: enumValues(column),
      })),
      primaryKey: primaryKeyColumns(info),
      indexes: info.config.indexes.map((index) => ({
        name: index.config.name,
        columns: index.config.columns.map((column) =>
          'name' in column ? String(column.name) : '(expression)',
        ),
        unique: index.config.unique,
      })),
      outgoing: [],
      incoming: [],
    };
  });
  // Foreign keys and Drizzle `one()` relations, named by the relation where one is declared.
  const links: LinkMeta[] = databaseRelationships(name).map((r) => ({
    name: r.relation ?? r.columns.join(', '),
    fromTable: r.child,
    fromColumns: r.columns,
    toTable: r.parent,
    toColumns: r.parentColumns,
    foreignKey: r.enforced,
    onDelete: r.enforced && r.onDelete !== 'no action' ? r.onDelete : undefined,
  }));
  const byName = new Map(tables.map((table) => [table.name, table]));
  for (const link of links) {
    byName.get(link.fromTable)?.outgoing.push(link);
    byName.get(link.toTable)?.incoming.push(link);
  }
  return { name, tables, links };
}

const cache = new Map<DatabaseName, DatabaseMeta>();

/** `describeDatabase`, computed once per database. */
export function databaseMeta(name: DatabaseName): DatabaseMeta {
  let meta = cache.get(name);
  if (!meta) {
    meta = describeDatabase(name);
    cache.set(name, meta);
  }
  return meta;
}
