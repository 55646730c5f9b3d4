/**
 * The UTC text forms of time: SQLite's `datetime('now')` text (`YYYY-MM-DD HH:MM:SS`) and ISO 8601
 * text with `Z`. The readers accept both forms, because mcpmaker wrote both into the same columns.
 */

const SQLITE_DATETIME =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses `YYYY-MM-DD HH:MM:SS[.fff]` (UTC, as SQLite writes it) or ISO 8601 text. */
export function parseTimestampText(value: string): Date {
  const match = SQLITE_DATETIME.exec(value.trim());
  if (match) {
    // Text without a zone is UTC: SQLite's datetime() and Python's utcnow().isoformat() both omit it.
    const zone = match[3] ?? 'Z';
    const date = new Date(`${match[1]}T${match[2]}${zone}`);
    if (!Number.isNaN(date.getTime())) return date;
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`not a timestamp: ${JSON.stringify(value)}`);
  }
  return date;
}

/** Formats a date as SQLite's `datetime('now')` does: `YYYY-MM-DD HH:MM:SS`, UTC. */
export function formatSqliteDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Formats a date as ISO 8601 text with milliseconds and `Z`. */
export function formatIsoDateTime(date: Date): string {
  return date.toISOString();
}
