import { databaseSchemas, type DatabaseName } from '@agentstate/schema';
import {
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  getTableName,
  is,
  One,
} from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';

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
      // The schema's only custom columns are its text timestamps (sqliteDateTime, isoDateTime).
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

function columnMeta(key: string, column: SQLiteColumn): ColumnMeta {
  return {
    name: column.name,
    key,
    sqlType: column.getSQLType(),
    display: columnDisplay(column),
    notNull: column.notNull,
    primaryKey: column.primary,
    hasDefault: column.hasDefault,
    enumValues: column.enumValues && column.enumValues.length > 0 ? column.enumValues : undefined,
  };
}

function sameLink(a: LinkMeta, b: LinkMeta): boolean {
  return (
    a.fromTable === b.fromTable &&
    a.toTable === b.toTable &&
    a.fromColumns.join() === b.fromColumns.join() &&
    a.toColumns.join() === b.toColumns.join()
  );
}

/** Reads a database's tables, columns, enums, keys and relations from its Drizzle schema. */
export function describeDatabase(name: DatabaseName): DatabaseMeta {
  const schema = databaseSchemas[name] as Record<string, unknown>;
  const tables: TableMeta[] = [];
  const links: LinkMeta[] = [];

  for (const [key, value] of Object.entries(schema)) {
    if (!is(value, SQLiteTable)) continue;
    const config = getTableConfig(value);
    const keyByName = new Map(
      Object.entries(value as unknown as Record<string, SQLiteColumn>)
        .filter(([, column]) => config.columns.includes(column))
        .map(([columnKey, column]) => [column.name, columnKey]),
    );
    const columns = config.columns.map((column) =>
      columnMeta(keyByName.get(column.name) ?? column.name, column),
    );
    const compositeKey = config.primaryKeys[0]?.columns.map((column) => column.name);
    tables.push({
      name: config.name,
      key,
      columns,
      primaryKey: compositeKey ?? columns.filter((c) => c.primaryKey).map((c) => c.name),
      indexes: config.indexes.map((index) => ({
        name: index.config.name,
        columns: index.config.columns.map((column) =>
          'name' in column ? String(column.name) : '(expression)',
        ),
        unique: index.config.unique,
      })),
      outgoing: [],
      incoming: [],
    });
    for (const foreignKey of config.foreignKeys) {
      const reference = foreignKey.reference();
      const fromColumns = reference.columns.map((column) => column.name);
      links.push({
        name: fromColumns.join(', '),
        fromTable: config.name,
        fromColumns,
        toTable: getTableName(reference.foreignTable),
        toColumns: reference.foreignColumns.map((column) => column.name),
        foreignKey: true,
        onDelete: foreignKey.onDelete,
      });
    }
  }

  // Drizzle relations: `one()` with fields is the owning side; it names a foreign key or adds a
  // link SQLite does not enforce (e.g. pokecode's sessions.current_job_id).
  const relational = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
  for (const table of Object.values(relational.tables)) {
    for (const [relationName, relation] of Object.entries(table.relations)) {
      if (!is(relation, One) || !relation.config) continue;
      const link: LinkMeta = {
        name: relationName,
        fromTable: table.dbName,
        fromColumns: relation.config.fields.map((column) => column.name),
        toTable: relation.referencedTableName,
        toColumns: relation.config.references.map((column) => column.name),
        foreignKey: false,
        onDelete: undefined,
      };
      const existing = links.find((candidate) => sameLink(candidate, link));
      if (existing) existing.name = relationName;
      else links.push(link);
    }
  }

  const byName = new Map(tables.map((table) => [table.name, table]));
  for (const link of links) {
    byName.get(link.fromTable)?.outgoing.push(link);
    byName.get(link.toTable)?.incoming.push(link);
  }
  tables.sort((a, b) => a.name.localeCompare(b.name));
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
