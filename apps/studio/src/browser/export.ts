import type Database from 'better-sqlite3';
import type { ColumnMeta } from './metadata.ts';

export const exportFormats = ['csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
};

/** Rows are written in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma, CR or LF, quotes doubled. NULL is
 * an empty field and the empty string `""`, so the two stay apart.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  // SQLite's other values are text and numbers (integers may be bigints): String() is their text.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const text = Buffer.isBuffer(value) ? value.toString('base64') : String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A value as JSON: JSON columns nested as JSON, exact integers, blobs as base64. */
function jsonValue(value: unknown, column: ColumnMeta): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  if (column.display === 'json' && typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value));
    } catch {
      return JSON.stringify(value); // not JSON after all: kept as its text
    }
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The rows of `sql` as CSV (a header row, CRLF line ends) or as a JSON array of objects, one per
 * line, in chunks pulled one at a time: the stream it feeds asks for the next chunk only when the
 * client has taken the last, so a million rows are never held at once. The query runs on its own
 * connection from `open` (the shared one would be busy for the whole export), opened on the first
 * pull and closed when the rows end or the consumer stops early (the client went away).
 */
export function* exportRows(
  open: () => Database.Database,
  sql: string,
  params: readonly unknown[],
  columns: readonly ColumnMeta[],
  format: ExportFormat,
): Generator<string, void, undefined> {
  const sqlite = open();
  let rows: IterableIterator<unknown[]> | undefined;
  try {
    const statement = sqlite.prepare(sql).raw(true).safeIntegers(true);
    rows = statement.iterate(...params) as IterableIterator<unknown[]>;
    const names = columns.map((column) => JSON.stringify(column.name));
    let chunk = format === 'csv' ? `${columns.map((c) => csvField(c.name)).join(',')}\r\n` : '[';
    let first = true;
    for (const row of rows) {
      if (format === 'csv') {
        chunk += `${row.map(csvField).join(',')}\r\n`;
      } else {
        const fields = row.map((value, index) => {
          const column = columns[index] as ColumnMeta;
          return `${names[index]}:${jsonValue(value, column)}`;
        });
        chunk += `${first ? '\n' : ',\n'}{${fields.join(',')}}`;
      }
      first = false;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (format === 'json') chunk += first ? ']\n' : '\n]\n';
    yield chunk;
  } finally {
    rows?.return?.();
    sqlite.close();
  }
}
