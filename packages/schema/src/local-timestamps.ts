import { parseTimestampText } from './timestamp-text.ts';

/**
 * Timestamps kept as wall-clock text without a zone, the way Python's `datetime.now().isoformat()`
 * writes them (DiPeO): `2026-12-01T17:07:37.696235` is 08:07:37.696235Z to a writer in Seoul.
 *
 * A codec reads such text in one zone: the process's local zone (TZ), or an IANA zone named by
 * the caller. A local time that does not exist (skipped by a DST change) or exists twice (repeated
 * by one) is resolved as Python resolves a naive datetime (`fold=0`) and as JavaScript's Date
 * does: a skipped time is read with the offset from before the change (02:30 in a 02:00 -> 03:00
 * gap is 03:30 after it), a repeated time as its first occurrence.
 *
 * Text is written as Python's isoformat writes it: `YYYY-MM-DDTHH:MM:SS`, then `.ffffff` unless
 * the microseconds are 0. A Date cannot hold microseconds, so every Date a codec reads remembers
 * the text it came from: written back by the same codec with its time unchanged, it is that exact
 * text again; changed (or made elsewhere), it is formatted.
 *
 * Text in other forms is read, never guessed at: with `Z` or an offset, at that offset; SQLite's
 * `YYYY-MM-DD HH:MM:SS` (a space, no zone: what `CURRENT_TIMESTAMP` writes) as UTC.
 */
export interface LocalTimestampCodec {
  /** The IANA zone given, or undefined for the process's local zone. */
  readonly timeZone: string | undefined;
  /** Reads stored text into a Date that remembers the text. */
  read(text: string): Date;
  /** The text to store for a Date: the text it was read from if its time is unchanged. */
  write(date: Date): string;
  /** An instant (ms since the epoch) as the tool writes it, with no remembered text. */
  format(ms: number): string;
}

/** The codec for `timeZone` (an IANA name), or for the process's local zone when it is left out. */
export function localTimestamps(timeZone?: string): LocalTimestampCodec {
  if (timeZone === undefined) return (processCodec ??= new Codec(undefined, processZone));
  const name = canonicalZone(timeZone);
  let codec = zoneCodecs.get(name);
  if (codec === undefined) {
    codec = new Codec(name, intlZone(name));
    zoneCodecs.set(name, codec);
  }
  return codec;
}

let processCodec: Codec | undefined;
const zoneCodecs = new Map<string, Codec>();

/** The IANA zone's own spelling, or a RangeError naming the option. */
function canonicalZone(timeZone: string): string {
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new RangeError(`timeZone: expected an IANA time zone name such as "Asia/Seoul"`);
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(
      `timeZone: unknown time zone ${JSON.stringify(timeZone)} (expected an IANA name such as "Asia/Seoul")`,
    );
  }
}

/** What a codec remembers of a Date it read: its time then, the text, and who read it. */
interface Memo {
  ms: number;
  text: string;
  codec: Codec;
}
const memos = new WeakMap<Date, Memo>();

/**
 * Wall-clock fields as one number: the milliseconds Date.UTC gives for them. Arithmetic on it is
 * calendar arithmetic, with no zone in the way.
 */
type Wall = number;

/** Wall-clock fields: year, month (0-11), day, hours, minutes, seconds, milliseconds. */
type Fields = [number, number, number, number, number, number, number];

interface Zone {
  /** The wall-clock reading at an instant, into `out`. */
  fieldsAt(ms: number, out: Fields): void;
  /** The instant a wall-clock reading (both forms) denotes, a gap or overlap resolved as above. */
  instantOf(fields: Fields, wall: Wall): number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Date.UTC, for every year: Date.UTC maps the years 0-99 to 1900-1999. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) {
  if (y >= 100) return Date.UTC(y, mo, d, h, mi, s, ms);
  const date = new Date(0);
  date.setUTCFullYear(y, mo, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

/** The process's zone, through Date's local-time methods: they follow TZ, even when it changes. */
const processZone: Zone = {
  fieldsAt(ms, out) {
    const d = new Date(ms);
    out[0] = d.getFullYear();
    out[1] = d.getMonth();
    out[2] = d.getDate();
    out[3] = d.getHours();
    out[4] = d.getMinutes();
    out[5] = d.getSeconds();
    out[6] = d.getMilliseconds();
  },
  instantOf([y, mo, d, h, mi, s, ms]) {
    // ECMAScript resolves local times as Python's fold=0 does (the "compatible" rule).
    if (y >= 100) return new Date(y, mo, d, h, mi, s, ms).getTime();
    const date = new Date(0);
    date.setFullYear(y, mo, d);
    date.setHours(h, mi, s, ms);
    return date.getTime();
  },
};

/**
 * A named zone, through Intl. Offsets are looked up per hour: an hour whose two ends have the same
 * offset holds no change (zones change at most once in an hour), so its offset is kept.
 */
function intlZone(timeZone: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  /** Offset (wall - instant) at an instant, to the second, asked of Intl. */
  const offsetNow = (ms: number): number => {
    const seconds = Math.floor(ms / 1000) * 1000;
    // Every field is in the format's parts; one missing would make the offset NaN, not a guess.
    const nan = Number.NaN;
    const f = { year: nan, month: nan, day: nan, hour: nan, minute: nan, second: nan };
    let bc = false;
    for (const part of format.formatToParts(seconds)) {
      switch (part.type) {
        case 'era':
          bc = part.value.startsWith('B');
          break;
        case 'year':
        case 'month':
        case 'day':
        case 'hour':
        case 'minute':
        case 'second':
          f[part.type] = Number(part.value);
      }
    }
    const year = bc ? 1 - f.year : f.year;
    return utc(year, f.month - 1, f.day, f.hour, f.minute, f.second, 0) - seconds;
  };
  const hours = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const hour = Math.floor(ms / HOUR);
    const known = hours.get(hour);
    if (known !== undefined) return known;
    const start = offsetNow(hour * HOUR);
    if (start !== offsetNow(hour * HOUR + HOUR - 1)) return offsetNow(ms);
    if (hours.size >= 4096) hours.clear();
    hours.set(hour, start);
    return start;
  };
  return {
    fieldsAt(ms, out) {
      const w = new Date(ms + offsetAt(ms));
      out[0] = w.getUTCFullYear();
      out[1] = w.getUTCMonth();
      out[2] = w.getUTCDate();
      out[3] = w.getUTCHours();
      out[4] = w.getUTCMinutes();
      out[5] = w.getUTCSeconds();
      out[6] = w.getUTCMilliseconds();
    },
    instantOf(_fields, wall) {
      // The offsets a day either side bound every offset this wall time can have.
      const before = offsetAt(wall - DAY);
      const after = offsetAt(wall + DAY);
      const early = wall - before;
      const late = wall - after;
      const earlyFits = offsetAt(early) === before;
      const lateFits = offsetAt(late) === after;
      if (earlyFits && lateFits) return Math.min(early, late); // repeated: the first
      if (earlyFits) return early;
      if (lateFits) return late;
      return early; // skipped: the offset from before the change
    },
  };
}

/** `YYYY-MM-DDTHH:MM[:SS[.f...]]` with no zone: Python's isoformat in local time. */
const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

const pad2 = (n: number) => (n < 10 ? '0' + n : '' + n);
const pad3 = (n: number) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

class Codec implements LocalTimestampCodec {
  /**
   * The last two instants formatted and their texts: a running execution is saved again and again
   * with the same start time, beside the time of the save.
   */
  private readonly recentMs: [number, number] = [Number.NaN, Number.NaN];
  private readonly recentText: [string, string] = ['', ''];
  private older = 0;
  private readonly fields: Fields = [0, 0, 0, 0, 0, 0, 0];

  constructor(
    readonly timeZone: string | undefined,
    private readonly zone: Zone,
  ) {}

  read(text: string): Date {
    const date = new Date(this.parse(text));
    memos.set(date, { ms: date.getTime(), text, codec: this });
    return date;
  }

  write(date: Date): string {
    const ms = date.getTime();
    const memo = memos.get(date);
    if (memo !== undefined && memo.ms === ms && memo.codec === this) return memo.text;
    return this.format(ms);
  }

  format(ms: number): string {
    if (ms === this.recentMs[0]) return this.recentText[0];
    if (ms === this.recentMs[1]) return this.recentText[1];
    if (!Number.isFinite(ms)) throw new RangeError('not a valid Date');
    const f = this.fields;
    this.zone.fieldsAt(ms, f);
    const year = f[0];
    if (!(year >= 1 && year <= 9999)) {
      throw new RangeError(
        `${new Date(ms).toISOString()} is outside the years 1-9999 that Python's datetime holds`,
      );
    }
    const text =
      (year < 1000 ? String(year).padStart(4, '0') : '' + year) +
      '-' +
      pad2(f[1] + 1) +
      '-' +
      pad2(f[2]) +
      'T' +
      pad2(f[3]) +
      ':' +
      pad2(f[4]) +
      ':' +
      pad2(f[5]) +
      (f[6] === 0 ? '' : '.' + pad3(f[6]) + '000');
    this.recentMs[this.older] = ms;
    this.recentText[this.older] = text;
    this.older = 1 - this.older;
    return text;
  }

  private parse(text: string): number {
    const match = LOCAL_ISO.exec(text.trim());
    // Zoned ISO text and SQLite's UTC text mean what they say; anything else fails there.
    if (match === null) return parseTimestampText(text).getTime();
    const y = Number(match[1]);
    const mo = Number(match[2]) - 1;
    const d = Number(match[3]);
    const h = Number(match[4]);
    const mi = Number(match[5]);
    const s = match[6] === undefined ? 0 : Number(match[6]);
    // Microseconds (or finer) are kept in the remembered text; the Date holds milliseconds.
    const ms = match[7] === undefined ? 0 : Number(match[7].slice(0, 3).padEnd(3, '0'));
    const wall = utc(y, mo, d, h, mi, s, ms);
    const check = new Date(wall);
    // Date.UTC rolls 02-30 over into March: a field out of range shows in the result.
    if (
      y < 1 ||
      check.getUTCMonth() !== mo ||
      check.getUTCDate() !== d ||
      h > 23 ||
      mi > 59 ||
      s > 59
    ) {
      throw new RangeError(`not a timestamp: ${JSON.stringify(text)}`);
    }
    return this.zone.instantOf([y, mo, d, h, mi, s, ms], wall);
  }
}
