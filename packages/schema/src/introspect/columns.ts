import { is, SQL } from 'drizzle-orm';
import { SQLiteSyncDialect, type SQLiteColumn } from 'drizzle-orm/sqlite-core';

const dialect = new SQLiteSyncDialect();

/** SQL text of a drizzle `sql` fragment as it appears in DDL (column names without table). */
export function sqlText(fragment: SQL): string {
  return dialect.sqlToQuery(fragment, 'indexes').sql;
}

/** What the application sees in a column, e.g. `Date (unix seconds)` for `integer` timestamps. */
export function valueType(column: SQLiteColumn): string {
  const mode = (column as { mode?: string }).mode;
  switch (column.columnType) {
    case 'SQLiteTimestamp':
      return mode === 'timestamp_ms' ? 'Date (unix ms)' : 'Date (unix seconds)';
    case 'SQLiteBoolean':
      return 'boolean (0/1)';
    case 'SQLiteTextJson':
    case 'SQLiteBlobJson':
      return 'JSON';
    case 'SQLiteBigInt':
      return 'bigint';
    case 'SQLiteCustomColumn':
      return customValueType(column);
  }
  if (enumValues(column)) return 'enum';
  return column.dataType;
}

/** Custom columns are the shared timestamp types; which one shows in the text they write. */
function customValueType(column: SQLiteColumn): string {
  try {
    const text = column.mapToDriverValue(new Date(0));
    if (text === '1970-01-01 00:00:00') return 'Date (`YYYY-MM-DD HH:MM:SS` UTC text)';
    if (text === '1970-01-01T00:00:00.000Z') return 'Date (ISO 8601 text)';
    // The epoch in the process's zone: no zone and, at 0 microseconds, no fraction.
    if (/^19(?:70-01-01|69-12-31)T\d{2}:\d{2}:\d{2}$/.test(String(text))) {
      return 'Date (local ISO 8601 text, no zone)';
    }
  } catch {
    // not a timestamp column
  }
  return 'custom';
}

export function enumValues(column: SQLiteColumn): readonly string[] | undefined {
  const values = (column as { enumValues?: readonly string[] }).enumValues;
  return values && values.length > 0 ? values : undefined;
}

/** The column's default as DDL shows it, or how the client fills it in. */
export function describeDefault(column: SQLiteColumn): string {
  const parts: string[] = [];
  if (column.default !== undefined) {
    if (is(column.default, SQL)) parts.push(`\`${sqlText(column.default)}\``);
    else {
      const value: unknown = column.mapToDriverValue(column.default);
      parts.push(
        `\`${typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value)}\``,
      );
    }
  } else if (column.defaultFn) {
    parts.push('set by the client on insert');
  }
  if (column.onUpdateFn) parts.push('updated by the client on every update');
  return parts.join('; ');
}
