import {
  DEFAULT_MAX_BYTES,
  definitionOf,
  PAYLOAD_MAX_BYTES,
  type DatabaseName,
} from '@agentstate/schema';
import { columnError } from './errors.ts';

// The limits themselves are each database's (its definition's `payloadColumns`).
export { DEFAULT_MAX_BYTES, PAYLOAD_MAX_BYTES };

/** The byte limit of one column, e.g. `maxBytes('dipeo', 'transitions', 'payload')`. */
export function maxBytes(database: DatabaseName, table: string, column: string): number {
  return definitionOf(database).maxBytes(table, column);
}

/** `String.prototype.isWellFormed` (Node 20; its type comes with ES2024). */
const isWellFormed = (value: string): boolean =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Index of the first UTF-16 surrogate without its other half. */
function loneSurrogateAt(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return i;
    i++;
  }
  return -1;
}

/**
 * Throws a RowValidationError when `value` holds a lone UTF-16 surrogate. SQLite keeps text as
 * UTF-8, which cannot hold one: it would read back as U+FFFD, not as written.
 */
export function checkWellFormed(table: string, column: string, value: string): void {
  if (isWellFormed(value)) return;
  columnError(
    table,
    column,
    `lone UTF-16 surrogate at index ${loneSurrogateAt(value)}: text is stored as UTF-8, ` +
      'which cannot hold it',
  );
}

/**
 * Throws a RowValidationError when text `value` is not well-formed UTF-16 or is longer than `limit`
 * UTF-8 bytes.
 */
export function checkSize(table: string, column: string, value: string, limit: number): void {
  checkWellFormed(table, column, value);
  checkByteSize(table, column, value, limit);
}

/**
 * `checkSize` without the well-formedness scan, for text JSON.stringify wrote (it escapes lone
 * surrogates). The byte count is only computed when the string's length cannot rule it out (a
 * UTF-16 unit is at most 3 bytes).
 */
export function checkByteSize(table: string, column: string, value: string, limit: number): void {
  if (value.length * 3 <= limit) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > limit) {
    columnError(table, column, `value is ${bytes} bytes, more than the limit of ${limit} bytes`);
  }
}

/**
 * `checkSize` against the column's own limit. No limit is below DEFAULT_MAX_BYTES, so a value
 * that short is let through before the column's limit is looked up (hot write paths).
 */
export function checkColumnSize(
  database: DatabaseName,
  table: string,
  column: string,
  value: string,
): void {
  if (value.length * 3 <= DEFAULT_MAX_BYTES) return checkWellFormed(table, column, value);
  checkSize(table, column, value, maxBytes(database, table, column));
}

/** `checkSize` for every string property of a row of SQL values, by SQL column name. */
export function checkRowSizes(
  database: DatabaseName,
  table: string,
  row: Readonly<Record<string, unknown>>,
): void {
  for (const [column, value] of Object.entries(row)) {
    if (typeof value === 'string') checkColumnSize(database, table, column, value);
  }
}

/**
 * `checkRowSizes` for a statement's parameters: `values[i]` is stored in column `columns[i]` (as
 * an encoder of row-codec.ts gives them; values past the columns are not checked).
 */
export function checkValueSizes(
  database: DatabaseName,
  table: string,
  columns: readonly string[],
  values: readonly unknown[],
): void {
  for (let i = 0; i < columns.length; i++) {
    const value = values[i];
    if (typeof value === 'string') checkColumnSize(database, table, columns[i] as string, value);
  }
}
