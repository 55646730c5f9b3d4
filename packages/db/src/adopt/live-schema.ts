import type { SqliteConnection } from '../driver/types.ts';
import { MIGRATIONS_TABLE } from '../migrate/migrations-table.ts';

/** The table that keeps another tool's migration rows after adoption, for audit. */
export const ADOPTED_MIGRATIONS_TABLE = '__agentstate_adopted_migrations';

export interface ColumnSchema {
  name: string;
  /** Declared type, lower-cased (`text`, `integer`, `timestamp`...). */
  type: string;
  notNull: boolean;
  /** The DEFAULT expression as written, whitespace collapsed; null when there is none. */
  default: string | null;
  /** Position in the primary key (1-based), 0 when not part of it. */
  pk: number;
  /** 0 for an ordinary column; 2 or 3 for a generated one (table_xinfo's `hidden`). */
  hidden: number;
}

export interface IndexSchema {
  name: string;
  /** Key columns in order, `name` or `name desc`; expressions are `<expr>`. */
  columns: string[];
  unique: boolean;
  /** A partial index's WHERE, normalized; null for a full index. */
  where: string | null;
  /** The CREATE INDEX statement, to recreate it exactly. */
  sql: string;
}

export interface ForeignKeySchema {
  columns: string[];
  table: string;
  /** Parent columns; empty when the clause names none (the parent's primary key). */
  to: string[];
  onUpdate: string;
  onDelete: string;
}

export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  /** Indexes made by CREATE INDEX, by name. */
  indexes: IndexSchema[];
  /** UNIQUE constraints written inside CREATE TABLE (SQLite's `sqlite_autoindex_*`), as column lists. */
  uniqueConstraints: string[][];
  foreignKeys: ForeignKeySchema[];
  /** CHECK constraints, each expression normalized. */
  checks: string[];
  withoutRowid: boolean;
  strict: boolean;
  /** The CREATE TABLE statement. */
  sql: string;
}

export interface LiveSchema {
  /** User tables by name, in name order. */
  tables: Map<string, TableSchema>;
  /**
   * Views and triggers: objects adoption does not create or change. Those of the schema (the
   * triggers that keep a full-text index) compare by their statement.
   */
  otherObjects: Array<{ type: string; name: string; sql: string }>;
}

/** The tables Litestream adds to a database it replicates (and so to every restore of it). */
export const LITESTREAM_TABLES = ['_litestream_seq', '_litestream_lock'] as const;

/**
 * SQLite's own tables, the migration bookkeeping and Litestream's are not part of a database's
 * schema.
 */
export function isBookkeepingTable(name: string): boolean {
  return (
    name.startsWith('sqlite_') ||
    name === MIGRATIONS_TABLE ||
    name === ADOPTED_MIGRATIONS_TABLE ||
    (LITESTREAM_TABLES as readonly string[]).includes(name)
  );
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Collapses whitespace and drops identifier quoting so equal definitions compare equal. */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/[`"]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .trim();
}

/** Reads every user table of a connection: columns, keys, indexes, foreign keys, checks. Reads only. */
export function readLiveSchema(sqlite: SqliteConnection): LiveSchema {
  const objects = sqlite
    .prepare(
      'SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name',
    )
    .all() as Array<{ type: string; name: string; tbl_name: string; sql: string }>;
  // A virtual table's shadow tables (FTS5's `<name>_data`, `_idx`...) are its storage, made and
  // read by the virtual table alone: the virtual table's statement stands for them.
  const shadows = new Set(
    (sqlite.pragma('table_list') as Array<{ schema: string; name: string; type: string }>)
      .filter((t) => t.schema === 'main' && t.type === 'shadow')
      .map((t) => t.name),
  );
  const tables = new Map<string, TableSchema>();
  const otherObjects: LiveSchema['otherObjects'] = [];
  for (const object of objects) {
    if (object.type === 'table' && !isBookkeepingTable(object.name)) {
      if (!shadows.has(object.name)) {
        tables.set(object.name, readTable(sqlite, object.name, object.sql));
      }
    } else if (object.type === 'view' || object.type === 'trigger') {
      otherObjects.push({ type: object.type, name: object.name, sql: object.sql });
    }
  }
  return { tables, otherObjects };
}

function readTable(sqlite: SqliteConnection, table: string, sql: string): TableSchema {
  const columns = (
    sqlite.pragma(`table_xinfo(${quote(table)})`) as Array<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
      hidden: number;
    }>
  ).map((c) => ({
    name: c.name,
    type: c.type.toLowerCase().trim(),
    notNull: c.notnull === 1,
    default: c.dflt_value === null ? null : c.dflt_value.replace(/\s+/g, ' ').trim(),
    pk: c.pk,
    hidden: c.hidden,
  }));

  const indexList = sqlite.pragma(`index_list(${quote(table)})`) as Array<{
    name: string;
    unique: number;
    origin: string;
    partial: number;
  }>;
  const indexes: IndexSchema[] = [];
  const uniqueConstraints: string[][] = [];
  for (const entry of indexList) {
    const keyColumns = indexColumns(sqlite, entry.name);
    if (entry.origin === 'u') uniqueConstraints.push(keyColumns);
    if (entry.origin !== 'c') continue; // primary keys are compared through the columns
    const indexSql = sqlite
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
      .pluck()
      .get(entry.name) as string;
    indexes.push({
      name: entry.name,
      columns: keyColumns,
      unique: entry.unique === 1,
      where: entry.partial ? partialWhere(indexSql, table) : null,
      sql: indexSql,
    });
  }
  indexes.sort((a, b) => a.name.localeCompare(b.name));
  uniqueConstraints.sort((a, b) => a.join().localeCompare(b.join()));

  // Composite foreign keys come as one row per column, grouped by id.
  const fkRows = sqlite.pragma(`foreign_key_list(${quote(table)})`) as Array<{
    id: number;
    seq: number;
    table: string;
    from: string;
    to: string | null;
    on_update: string;
    on_delete: string;
  }>;
  const byId = new Map<number, ForeignKeySchema>();
  for (const row of [...fkRows].sort((a, b) => a.id - b.id || a.seq - b.seq)) {
    let fk = byId.get(row.id);
    if (!fk) {
      fk = {
        columns: [],
        table: row.table,
        to: [],
        onUpdate: row.on_update.toLowerCase(),
        onDelete: row.on_delete.toLowerCase(),
      };
      byId.set(row.id, fk);
    }
    fk.columns.push(row.from);
    if (row.to !== null) fk.to.push(row.to);
  }
  const foreignKeys = [...byId.values()].sort((a, b) =>
    describeForeignKey(a).localeCompare(describeForeignKey(b)),
  );

  const options = sqlite.pragma(`table_list(${quote(table)})`) as Array<{
    name: string;
    schema: string;
    wr: number;
    strict: number;
  }>;
  const info = options.find((o) => o.schema === 'main') ?? options[0];
  return {
    name: table,
    columns,
    indexes,
    uniqueConstraints,
    foreignKeys,
    checks: checkConstraints(sql),
    withoutRowid: info?.wr === 1,
    strict: info?.strict === 1,
    sql,
  };
}

function indexColumns(sqlite: SqliteConnection, index: string): string[] {
  return (
    sqlite.pragma(`index_xinfo(${quote(index)})`) as Array<{
      cid: number;
      name: string | null;
      desc: number;
      key: number;
    }>
  )
    .filter((c) => c.key === 1)
    .map((c) => `${c.name ?? '<expr>'}${c.desc ? ' desc' : ''}`);
}

/** A partial index's WHERE with quoting and `table.` qualifiers removed (drizzle-kit qualifies them). */
function partialWhere(sql: string, table: string): string {
  const where = sql.slice(sql.search(/\bWHERE\b/i) + 'WHERE'.length);
  return normalizeSql(where).replaceAll(`${table}.`, '');
}

/** `(a, b) -> parent(x, y) on update no action on delete cascade` */
export function describeForeignKey(fk: ForeignKeySchema): string {
  const to = fk.to.length > 0 ? `(${fk.to.join(', ')})` : '';
  return `(${fk.columns.join(', ')}) -> ${fk.table}${to} on update ${fk.onUpdate} on delete ${fk.onDelete}`;
}

/**
 * The CHECK expressions of a CREATE TABLE statement. PRAGMAs do not expose them, so they are read
 * from the SQL: each `CHECK (` up to its balanced `)`, skipping string literals and comments.
 */
export function checkConstraints(sql: string): string[] {
  const text = stripCommentsAndStrings(sql);
  const checks: string[] = [];
  const pattern = /\bCHECK\s*\(/gi;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const start = match.index + match[0].length;
    let depth = 1;
    let end = start;
    while (end < text.length && depth > 0) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')') depth--;
      end++;
    }
    // Take the expression from the original SQL (same offsets) so literals are kept.
    checks.push(normalizeSql(sql.slice(start, end - 1)));
  }
  return checks.sort();
}

/** Replaces comments and string literals with spaces of the same length (offsets stay valid). */
function stripCommentsAndStrings(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length));
}
