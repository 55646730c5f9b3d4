import { getTableName, sql, type SQL, type Table } from 'drizzle-orm';
import { getTableConfig, SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { columnNames } from './row-codec.ts';

/**
 * Statement texts rendered once by drizzle's SQLite dialect from the schema's tables and columns,
 * so a renamed column is a type error rather than a statement that fails at run time. Texts stay
 * plain strings: the drivers prepare them once per connection, and the benchmark's raw baseline
 * runs the very same text.
 */

const dialect = new SQLiteSyncDialect();

/**
 * Renders a statement written with drizzle's `sql`: a table as its quoted name, a column as its
 * bare quoted name (valid in SET, WHERE and RETURNING alike). Parameters are written in the text as
 * `?` or `@name`; an interpolated value would be a parameter baked in at import, so it throws.
 */
export function sqlText(statement: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(statement, 'indexes');
  if (params.length > 0) {
    throw new Error(`statement text interpolates a value; write a ? parameter instead: ${text}`);
  }
  return text;
}

/** `INDEXED BY <index>`, checked against the table's own index definitions. */
export function indexedBy(table: Table, index: string): SQL {
  const found = getTableConfig(table as Parameters<typeof getTableConfig>[0]).indexes.some(
    (entry) => entry.config.name === index,
  );
  if (!found) throw new Error(`${getTableName(table)} defines no index ${index}`);
  return sql.raw(`INDEXED BY "${index}"`);
}

/**
 * `INSERT INTO <table> (<columns of keys>) VALUES (?, ...)`, its parameters in the keys' order (as
 * `rowEncoder(table, keys)` gives them); `tail` follows the values (`RETURNING *`, an upsert).
 */
export function insertText<T extends Table>(
  table: T,
  keys: readonly (keyof T['$inferSelect'] & string)[],
  tail?: SQL,
): string {
  const names = columnNames(table, keys).map((name) => sql.identifier(name));
  const values = sql.raw(keys.map(() => '?').join(', '));
  return sqlText(
    sql`INSERT INTO ${table} (${sql.join(names, sql`, `)}) VALUES (${values})${tail ? sql` ${tail}` : sql``}`,
  );
}
