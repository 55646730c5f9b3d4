import { InvalidArgumentError } from 'commander';

/**
 * A commander option parser from a function that throws on a bad value: its message becomes the
 * cause in `error: --<option>: <cause>`.
 */
export function optionValue<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

/**
 * A parser for a whole number from `min` to `max` (`1000000` or `1_000_000`); anything else is
 * refused with the range, e.g. `--port: expected a whole number from 0 to 65535, got "70000"`.
 */
export function integerValue(range: { min: number; max?: number }): (value: string) => number {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number ≥ ${range.min}`
      : `a whole number from ${range.min} to ${max}`;
  return optionValue((value) => {
    const digits = value.replace(/_/g, '');
    const n = Number(digits);
    if (!/^-?\d+$/.test(digits) || !Number.isSafeInteger(n) || n < range.min || n > max) {
      throw new RangeError(`expected ${expected}, got ${JSON.stringify(value)}`);
    }
    return n;
  });
}
