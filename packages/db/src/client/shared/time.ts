import {
  formatIsoDateTime,
  formatSqliteDateTime,
  parseTimestampText,
  type LocalTimestampCodec,
} from '@agentstate/schema';
import { columnError } from './errors.ts';

/**
 * Conversions between `Date` and the four ways the original tools store time. Each client writes a
 * column in its original format and always hands back a `Date`.
 */

/** Unix seconds (pokecode's `integer({ mode: 'timestamp' })`). */
export const toSeconds = (date: Date | number): number =>
  Math.floor((typeof date === 'number' ? date : date.getTime()) / 1000);
export function fromSeconds(value: number): Date;
export function fromSeconds(value: number | null): Date | null;
export function fromSeconds(value: number | null): Date | null {
  return value === null ? null : new Date(value * 1000);
}

/**
 * The last time `toIso` wrote, and its text: an execution is saved again and again with the same
 * `started_at`, and the text depends on nothing but the time value (formatting costs ~0.4 us).
 */
let lastIsoMs = Number.NaN;
let lastIsoText = '';

/** ISO 8601 text (`...T...Z`). */
export function toIso(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  if (ms !== lastIsoMs) {
    // An invalid date (NaN) never matches: it throws below, as it always did.
    lastIsoText = formatIsoDateTime(typeof date === 'number' ? new Date(date) : date);
    lastIsoMs = ms;
  }
  return lastIsoText;
}

/** SQLite `datetime('now')` text. */
export const toSqliteDateTime = (date: Date | number): string =>
  formatSqliteDateTime(typeof date === 'number' ? new Date(date) : date);

/** Reads either text form (ISO or `YYYY-MM-DD HH:MM:SS`) into a Date. */
export function fromText(value: string): Date;
export function fromText(value: string | null): Date | null;
export function fromText(value: string | null): Date | null {
  return value === null ? null : parseTimestampText(value);
}

/**
 * Local wall-clock text (DiPeO's `datetime.now().isoformat()`), written by the codec of the client's
 * zone; a Date the tool's format cannot hold (outside the years 1-9999) fails naming the column.
 */
export function toLocalText(
  codec: LocalTimestampCodec,
  table: string,
  column: string,
  date: Date | number,
): string {
  try {
    return typeof date === 'number' ? codec.format(date) : codec.write(date);
  } catch (error) {
    if (error instanceof RangeError) columnError(table, column, error.message);
    throw error;
  }
}

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
