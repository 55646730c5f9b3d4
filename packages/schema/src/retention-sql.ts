import { getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

// Pieces of retention conditions (a definition's `retention.steps`), written from the Drizzle
// tables so no SQL name is typed twice.

export const DAY_MS = 86_400_000;
/** A table's SQL name, quoted. */
export const sqlTable = (table: SQLiteTable): string => `"${getTableName(table)}"`;
/** A column's SQL name, quoted. */
export const sqlColumn = (column: SQLiteColumn): string => `"${column.name}"`;
/** Text timestamps in either format the tools wrote compare through julianday(). */
export const olderThanCutoff = (column: SQLiteColumn): string =>
  `julianday(${sqlColumn(column)}) < julianday(:cutoff)`;
/**
 * A column a tool writes in local wall time with no zone (DiPeO's isoformat()): such text is
 * compared with the cutoff as local text (`:local_cutoff`); text with a zone, or SQLite's
 * `YYYY-MM-DD HH:MM:SS` (UTC), with the UTC cutoff, as the client reads them.
 */
export const localTextOlderThanCutoff = (column: SQLiteColumn): string => {
  const x = sqlColumn(column);
  const zoned = `${x} GLOB '*[Zz]' OR ${x} GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR ${x} GLOB '*[+-][0-9][0-9][0-9][0-9]'`;
  return `julianday(${x}) < julianday(CASE WHEN ${x} GLOB '*T*' AND NOT (${zoned}) THEN :local_cutoff ELSE :cutoff END)`;
};
