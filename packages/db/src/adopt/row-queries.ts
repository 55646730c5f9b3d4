import type { SqliteConnection } from '../driver/types.ts';
import { createHash } from 'node:crypto';
import type { TableSchema } from './live-schema.ts';

export const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** How many rows to name in a report before summarizing the rest. */
const SAMPLE_ROWS = 5;

export interface OffendingRows {
  count: number;
  /** The first rows' keys, e.g. `id='a1'` or `rowid=3`. */
  keys: string[];
}

/** The SQL expression naming a row in a report: its primary key, else its rowid. */
function keyExpression(table: TableSchema): string {
  const pk = table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  if (pk.length === 0) return `'rowid=' || rowid`;
  return pk
    .map((c) => `'${c.name.replace(/'/g, "''")}=' || quote(${quoteId(c.name)})`)
    .join(" || ', ' || ");
}

/** Rows of `table` (live) matching `where` (SQL over its columns; the table is not aliased). */
export function offendingRows(
  sqlite: SqliteConnection,
  table: TableSchema,
  where: string,
): OffendingRows {
  const from = `FROM ${quoteId(table.name)} WHERE ${where}`;
  const count = sqlite.prepare(`SELECT count(*) ${from}`).pluck().get() as number;
  if (count === 0) return { count, keys: [] };
  const keys = sqlite
    .prepare(`SELECT ${keyExpression(table)} ${from} LIMIT ${SAMPLE_ROWS}`)
    .pluck()
    .all() as string[];
  return { count, keys };
}

/** `2 rows (id='a', id='b')` / `7 rows (id='a', ..., and 2 more)` */
export function describeRows(rows: OffendingRows): string {
  const more = rows.count > rows.keys.length ? `, and ${rows.count - rows.keys.length} more` : '';
  return `${rows.count} row${rows.count === 1 ? '' : 's'} (${rows.keys.join(', ')}${more})`;
}

export function rowCount(sqlite: SqliteConnection, table: string): number {
  return sqlite
    .prepare(`SELECT count(*) FROM ${quoteId(table)}`)
    .pluck()
    .get() as number;
}

/** Groups of rows sharing the same non-NULL values in `columns` (what a UNIQUE key would refuse). */
export function duplicateRows(
  sqlite: SqliteConnection,
  table: TableSchema,
  columns: readonly string[],
  where?: string,
): OffendingRows {
  const cols = columns.map(quoteId).join(', ');
  const filter =
    columns.map((c) => `${quoteId(c)} IS NOT NULL`).join(' AND ') +
    (where ? ` AND (${where})` : '');
  return offendingRows(
    sqlite,
    table,
    `${filter} AND (${cols}) IN (SELECT ${cols} FROM ${quoteId(table.name)} WHERE ${filter} ` +
      `GROUP BY ${cols} HAVING count(*) > 1)`,
  );
}

/**
 * A fingerprint of every value of every row of a table, over the given columns: the row count and a
 * sha256 of each row's SQL literals (`quote()`, so 1, 1.0, '1' and X'01' all differ), in a fixed
 * order that does not depend on rowids or collations.
 */
export function tableFingerprint(
  sqlite: SqliteConnection,
  table: string,
  columns: readonly string[],
): { rows: number; sha256: string } {
  const hash = createHash('sha256');
  const row = columns.map((c) => `quote(${quoteId(c)})`).join(` || ',' || `) || "''";
  let rows = 0;
  const statement = sqlite.prepare(`SELECT ${row} AS r FROM ${quoteId(table)} ORDER BY r`).pluck();
  for (const value of statement.iterate() as IterableIterator<string>) {
    hash.update(value).update('\n');
    rows++;
  }
  return { rows, sha256: hash.digest('hex') };
}
