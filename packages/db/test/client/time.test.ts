import { describe, expect, it } from 'vitest';
import { toIso } from '../../src/client/shared/time.ts';

describe('toIso', () => {
  it('writes each time value as ISO 8601, the same time twice from the last text', () => {
    const start = new Date('2026-01-15T10:00:00.123Z');
    expect(toIso(start)).toBe('2026-01-15T10:00:00.123Z');
    expect(toIso(new Date(start.getTime()))).toBe('2026-01-15T10:00:00.123Z');
    expect(toIso(start.getTime())).toBe('2026-01-15T10:00:00.123Z');
    // A Date is mutable: the text follows its time value, not the object.
    start.setTime(0);
    expect(toIso(start)).toBe('1970-01-01T00:00:00.000Z');
    expect(toIso(86_400_000)).toBe('1970-01-02T00:00:00.000Z');
    expect(toIso(start)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('throws on an invalid date every time, whatever came before', () => {
    expect(toIso(5)).toBe('1970-01-01T00:00:00.005Z');
    expect(() => toIso(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => toIso(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => toIso(8.64e15 + 1)).toThrow(RangeError);
    expect(toIso(5)).toBe('1970-01-01T00:00:00.005Z');
  });
});
