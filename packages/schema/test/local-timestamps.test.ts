import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { localTimestamps } from '../src/columns.ts';

const seoul = localTimestamps('Asia/Seoul');

describe('localTimestamps: zone-less local wall time as Python writes it', () => {
  it('reads DiPeO text in the zone it was written in, microseconds kept in the text', () => {
    const date = seoul.read('2026-12-01T17:07:37.696235');
    expect(date.toISOString()).toBe('2026-12-01T08:07:37.696Z');
    expect(seoul.write(date)).toBe('2026-12-01T17:07:37.696235');
    expect(localTimestamps('UTC').read('2026-12-01T17:07:37.696235').toISOString()).toBe(
      '2026-12-01T17:07:37.696Z',
    );
  });

  it('formats as isoformat does: six fraction digits, none at zero microseconds, 4-digit years', () => {
    expect(seoul.format(Date.parse('2026-12-01T08:07:37.696Z'))).toBe('2026-12-01T17:07:37.696000');
    expect(seoul.format(Date.parse('2026-12-01T08:07:37.000Z'))).toBe('2026-12-01T17:07:37');
    expect(seoul.format(Date.parse('2026-12-01T08:07:37.005Z'))).toBe('2026-12-01T17:07:37.005000');
    const utc = localTimestamps('UTC');
    expect(utc.format(Date.UTC(999, 0, 2, 3, 4, 5))).toBe('0999-01-02T03:04:05');
    expect(utc.format(Date.parse('0001-01-01T00:00:00Z'))).toBe('0001-01-01T00:00:00');
    expect(() => utc.format(Date.parse('0000-12-31T23:59:59Z'))).toThrow(
      /outside the years 1-9999/,
    );
    expect(() => utc.format(Date.UTC(10_000, 0, 1))).toThrow(/outside the years 1-9999/);
    expect(() => utc.format(Number.NaN)).toThrow(RangeError);
  });

  it('keeps the read text only while the Date keeps its time and the same codec writes it', () => {
    const date = seoul.read('2026-12-01T17:07:37.696235');
    expect(seoul.write(new Date(date.getTime()))).toBe('2026-12-01T17:07:37.696000');
    // Another zone writes its own wall time, not Seoul's text.
    expect(localTimestamps('UTC').write(date)).toBe('2026-12-01T08:07:37.696000');
    expect(localTimestamps('asia/seoul')).toBe(seoul);
    date.setTime(date.getTime() + 1);
    expect(seoul.write(date)).toBe('2026-12-01T17:07:37.697000');
    date.setTime(date.getTime() - 1);
    expect(seoul.write(date)).toBe('2026-12-01T17:07:37.696235');
  });

  it('reads zoned ISO text at its offset and SQLite text as UTC, and keeps their text', () => {
    for (const [text, instant] of [
      ['2026-12-01T08:07:37.696235+00:00', '2026-12-01T08:07:37.696Z'],
      ['2026-12-01T17:07:37+09:00', '2026-12-01T08:07:37.000Z'],
      ['2026-12-01T08:07:37.123Z', '2026-12-01T08:07:37.123Z'],
      ['2026-12-01 08:07:37', '2026-12-01T08:07:37.000Z'],
    ] as const) {
      const date = seoul.read(text);
      expect(date.toISOString()).toBe(instant);
      expect(seoul.write(date)).toBe(text);
    }
    // Minutes without seconds are ISO too (Python's fromisoformat reads them).
    expect(seoul.read('2026-12-01T17:07').toISOString()).toBe('2026-12-01T08:07:00.000Z');
  });

  it('rejects text that is no time, naming it', () => {
    for (const text of [
      'yesterday',
      '2026-02-30T10:00:00',
      '2026-13-01T10:00:00',
      '2026-12-01T24:00:00',
      '2026-12-01T10:60:00',
      '0000-01-01T00:00:00',
    ]) {
      expect(() => seoul.read(text)).toThrow(`not a timestamp: ${JSON.stringify(text)}`);
    }
  });

  it('refuses a zone that is not one, naming the option', () => {
    expect(() => localTimestamps('Mars/Olympus')).toThrow(
      'timeZone: unknown time zone "Mars/Olympus" (expected an IANA name such as "Asia/Seoul")',
    );
    expect(() => localTimestamps('')).toThrow(/^timeZone: expected an IANA time zone name/);
  });

  it('resolves a skipped time with the offset before the change, a repeated one as its first', () => {
    const ny = localTimestamps('America/New_York');
    expect(ny.read('2026-03-08T02:30:00').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(ny.read('2026-11-01T01:30:00').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    // Both instants of the repeated hour write the same wall time, as isoformat does.
    expect(ny.format(Date.parse('2026-11-01T06:30:00Z'))).toBe('2026-11-01T01:30:00');
    // Samoa skipped 2011-12-30 entirely.
    const apia = localTimestamps('Pacific/Apia');
    expect(apia.read('2011-12-30T12:00:00').toISOString()).toBe('2011-12-30T22:00:00.000Z');
  });
});

const run = promisify(execFile);
const agreement = fileURLToPath(new URL('./children/zone-agreement.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('the named-zone codec agrees with the process-zone codec', () => {
  it.each(['America/New_York', 'Australia/Lord_Howe', 'Asia/Seoul', 'Pacific/Apia'])(
    'around every offset change of %s since 1900',
    async (zone) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', agreement], {
        cwd: packageDir,
        env: { ...process.env, TZ: zone },
      });
      const report = JSON.parse(stdout) as {
        zone: string;
        changes: number;
        cases: number;
        mismatches: string[];
      };
      expect(report.zone).toBe(zone);
      expect(report.changes).toBeGreaterThan(1);
      expect(report.mismatches).toEqual([]);
    },
  );
});
