import { itemAt } from './item-at.ts';

/** Maps the n-th new key to the n-th position not taken. */
export type Positions = (index: number) => number;

/**
 * The positions (0, 1, 2 …) not in `taken`, in order: index i maps to the i-th free one. Keys are
 * a bijection of their position (see uniqueHex), so free positions give keys not already stored.
 * Taken positions are sorted once; each lookup is a binary search, so the first new key after n
 * stored ones costs log n, not n.
 */
export function freePositions(taken: readonly number[]): Positions {
  if (taken.length === 0) return (index) => index;
  const sorted = Uint32Array.from(taken).sort();
  let unique = 0;
  for (const [i, position] of sorted.entries()) {
    if (i === 0 || position !== sorted[unique - 1]) sorted[unique++] = position;
  }
  const positions = sorted.subarray(0, unique);
  // positions[j] - j (free positions before positions[j]) never decreases: the taken ones below
  // index i's free position are those with positions[j] - j <= i.
  return (index) => {
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (itemAt(positions, mid) - mid <= index) low = mid + 1;
      else high = mid;
    }
    return index + low;
  };
}
