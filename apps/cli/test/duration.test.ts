import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/duration.ts';

const DAY = 86_400_000;

describe('durations (--older-than, --retention)', () => {
  it('parses durations and rejects nonsense', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('30d')).toBe(30 * DAY);
    expect(parseDuration('100ms')).toBe(100);
    for (const bad of ['', '30', '3x', '-1d', '0d', '0ms', '5 mss'])
      expect(() => parseDuration(bad)).toThrow(RangeError);
  });
});
