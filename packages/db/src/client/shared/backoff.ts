/** Retry delays: capped exponential backoff with jitter. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter (pokecode's original: 2 s, doubling). */
  baseMs?: number;
  /** Upper bound of any delay. */
  capMs?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF_BASE_MS = 2_000;
export const DEFAULT_BACKOFF_CAP_MS = 5 * 60_000;

/**
 * The delay after `attempts` failed attempts: `base * 2^attempts` (pokecode's formula) capped at
 * `cap`, then "equal jitter": half of it fixed, half random, so workers that failed together do
 * not retry together yet a retry never comes sooner than half the nominal delay.
 */
export function retryDelayMs(attempts: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const random = options.random ?? Math.random;
  const nominal = Math.min(cap, base * 2 ** Math.max(0, Math.min(attempts, 52)));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
