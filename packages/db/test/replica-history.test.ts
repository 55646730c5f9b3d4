import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../src/replicate/replica-history.ts';

describe("Litestream's durations (the lag column of `litestream generations`)", () => {
  it('reads each form Go prints, to the millisecond', () => {
    expect(parseGoDuration('5s')).toBe(5000);
    expect(parseGoDuration('1.8s')).toBe(1800);
    expect(parseGoDuration('850ms')).toBe(850);
    expect(parseGoDuration('1m5s')).toBe(65_000);
    expect(parseGoDuration('2h3m4.5s')).toBe(7_384_500);
    expect(parseGoDuration('-1.2s')).toBe(-1200);
    expect(parseGoDuration('12.5µs')).toBeCloseTo(0.0125, 6);
    expect(parseGoDuration('0s')).toBe(0);
  });

  it('gives undefined for anything else, so such a row sorts last', () => {
    for (const text of ['', '-', '5', 's', '1.8 s', 'soon', '5s!']) {
      expect(parseGoDuration(text), text).toBeUndefined();
    }
  });
});
