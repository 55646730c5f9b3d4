import { itemAt } from './item-at.ts';
import { hashUnit } from './random.ts';

/**
 * Splits `total` rows across tables in proportion to `weights` (largest remainder, so the counts add
 * up to exactly `total`). A table listed in `parents` gets at least one row whenever its children
 * get any, taken from the children, so no child is generated without a parent to point at.
 */
export function allocate<K extends string>(
  total: number,
  weights: Record<K, number>,
  parents: Partial<Record<K, K>> = {},
  /** Tables with a fixed small row count (settings, devices), given first. */
  fixed: Partial<Record<K, number>> = {},
): Record<K, number> {
  const counts = {} as Record<K, number>;
  let left = total;
  for (const [k, n] of Object.entries(fixed) as Array<[K, number]>) {
    counts[k] = Math.min(n, Math.max(0, left - 1));
    left -= counts[k];
  }
  const keys = (Object.keys(weights) as K[]).filter((k) => !(k in fixed));
  const sum = keys.reduce((s, k) => s + weights[k], 0);
  const remainders: Array<[K, number]> = [];
  let given = total - left;
  for (const k of keys) {
    const exact = (left * weights[k]) / sum;
    counts[k] = Math.floor(exact);
    given += counts[k];
    remainders.push([k, exact - counts[k]]);
  }
  remainders.sort((a, b) => b[1] - a[1] || keys.indexOf(a[0]) - keys.indexOf(b[0]));
  for (let i = 0; given < total; i++, given++) {
    counts[itemAt(remainders, i % remainders.length)[0]]++;
  }
  // Children before their parents in `parents` order is fine: repeat until stable.
  for (let changed = true; changed;) {
    changed = false;
    for (const child of Object.keys(weights) as K[]) {
      const parent = parents[child];
      if (parent === undefined || counts[child] === 0 || counts[parent] > 0) continue;
      counts[child]--;
      counts[parent]++;
      changed = true;
    }
  }
  return counts;
}

/**
 * How many of `total` children each of `parents` parents gets: uneven, as real data is (a few
 * long sessions, many short ones), deterministic, summing to `total`, none above `cap`.
 */
export function spread(
  total: number,
  parents: number,
  seed: number,
  tag: string,
  cap = Number.POSITIVE_INFINITY,
): Uint32Array {
  const counts = new Uint32Array(parents);
  if (parents === 0 || total === 0) return counts;
  if (total > parents * cap) {
    throw new RangeError(
      `${tag}: ${total} rows cannot be spread over ${parents} parents (at most ${cap} each)`,
    );
  }
  const weights = new Float64Array(parents);
  let sum = 0;
  for (let p = 0; p < parents; p++) {
    const u = hashUnit(seed, tag, p);
    const weight = 0.25 + u * u * 3; // skewed: most parents small, some large
    weights[p] = weight;
    sum += weight;
  }
  let given = 0;
  for (const [p, weight] of weights.entries()) {
    const count = Math.min(cap, Math.floor((total * weight) / sum));
    counts[p] = count;
    given += count;
  }
  for (let p = 0; given < total; p = (p + 1) % parents) {
    const count = itemAt(counts, p);
    if (count < cap) {
      counts[p] = count + 1;
      given++;
    }
  }
  return counts;
}
