import { customType } from 'drizzle-orm/sqlite-core';
import { localTimestamps } from './local-timestamps.ts';
import { formatIsoDateTime, formatSqliteDateTime, parseTimestampText } from './timestamp-text.ts';

export { formatIsoDateTime, formatSqliteDateTime, parseTimestampText };
export { localTimestamps, type LocalTimestampCodec } from './local-timestamps.ts';

/**
 * Column helpers shared by the five databases.
 *
 * The original tools store time in five ways: integer milliseconds, integer seconds, SQLite's
 * `datetime('now')` text (`YYYY-MM-DD HH:MM:SS`, UTC), ISO 8601 text with a zone, and local wall
 * time without one (Python's `datetime.now().isoformat()`). Every one of them is exposed as a
 * `Date` here, and the text readers accept both UTC text forms, because mcpmaker wrote both into
 * the same columns.
 */

type TimestampTextConfig = {
  /** The declared SQL type: `text`, or `timestamp` where the original DDL says TIMESTAMP. */
  sqlType?: 'text' | 'timestamp';
};

/**
 * A timestamp kept as SQLite `datetime('now')` text. Writes `YYYY-MM-DD HH:MM:SS` so values the
 * client writes sort and compare with values the database's own defaults write.
 */
export const sqliteDateTime = customType<{
  data: Date;
  driverData: string;
  config: TimestampTextConfig;
}>({
  dataType: (config) => config?.sqlType ?? 'text',
  toDriver: (value) => formatSqliteDateTime(value),
  fromDriver: (value) => parseTimestampText(value),
});

/** A timestamp kept as ISO 8601 text (`...T...Z`), as Python's and JS's ISO writers produce. */
export const isoDateTime = customType<{
  data: Date;
  driverData: string;
  config: TimestampTextConfig;
}>({
  dataType: (config) => config?.sqlType ?? 'text',
  toDriver: (value) => formatIsoDateTime(value),
  fromDriver: (value) => parseTimestampText(value),
});

/**
 * A timestamp kept as local wall time without a zone (`2026-12-01T17:07:37.696235`), as Python's
 * `datetime.now().isoformat()` writes it. Read and written in the process's local zone (TZ); the
 * typed client can name another zone. A Date read from a row is written back as the exact text it
 * came from while its time is unchanged (see local-timestamps.ts).
 */
export const localIsoDateTime = customType<{
  data: Date;
  driverData: string;
  config: TimestampTextConfig;
}>({
  dataType: (config) => config?.sqlType ?? 'text',
  toDriver: (value) => localTimestamps().write(value),
  fromDriver: (value) => localTimestamps().read(value),
});
