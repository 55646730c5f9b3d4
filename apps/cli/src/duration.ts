const UNITS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
type Unit = keyof typeof UNITS;
const isUnit = (text: string | undefined): text is Unit =>
  text !== undefined && Object.hasOwn(UNITS, text);

/** The longest duration accepted: a cutoff further back than a century means every row anyway. */
export const MAX_DURATION_MS = 36_500 * UNITS.d;

/** Parses `90m`, `12h`, `30d`, `2w` (also `45s`, `100ms`) into milliseconds; throws a RangeError otherwise. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|[smhdw])$/.exec(text.trim());
  const [, amount, unit] = match ?? [];
  const value = amount === undefined ? Number.NaN : Number(amount);
  if (!isUnit(unit) || !(value > 0)) {
    throw new RangeError(
      `not a duration: ${JSON.stringify(text)} (use e.g. 100ms, 90m, 12h, 30d, 2w)`,
    );
  }
  const ms = value * UNITS[unit];
  if (ms > MAX_DURATION_MS) {
    throw new RangeError(`${JSON.stringify(text)} is longer than 36500d (100 years)`);
  }
  return ms;
}

/** `30d`, `12h`, `90m`: the largest unit that divides the duration. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNITS[unit];
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
