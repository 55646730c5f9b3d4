/**
 * Deterministic randomness for seed data. `Random` is a stream (sfc32) for row-by-row choices;
 * `hashUnit` is stateless, so any table can recompute a fact about another table's row i (e.g.
 * "is session 17 still working?") without sharing state or depending on generation order.
 */

import { itemAt } from './item-at.ts';

/** A 32-bit hash of a seed, a tag and an index (a murmur3-style finalizer). */
export function hash32(seed: number, tag: string, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193) >>> 0;
  h = (h ^ index) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (index / 0x100000000)) >>> 0; // indexes past 2^32 still differ
  return (h ^ (h >>> 16)) >>> 0;
}

/** A number in [0, 1) fixed by seed, tag and index. */
export function hashUnit(seed: number, tag: string, index: number): number {
  return hash32(seed, tag, index) / 0x100000000;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, tag: string) {
    this.a = hash32(seed, tag, 1);
    this.b = hash32(seed, tag, 2);
    this.c = hash32(seed, tag, 3);
    this.d = hash32(seed, tag, 4);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** sfc32: fast, and good enough for test data. Returns [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 0x100000000;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return itemAt(items, Math.floor(this.next() * items.length));
  }

  /** A pick where earlier items are likelier (weights in the same order). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (const [i, item] of items.entries()) {
      r -= weights[i] ?? 0; // an item without a weight is never picked (it adds nothing to total)
      if (r < 0) return item;
    }
    return itemAt(items, items.length - 1);
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

const MULTIPLIER = 0x2c1b3c6d;
/** MULTIPLIER's inverse modulo 2^32 (Newton's iteration doubles the correct bits each step). */
const INVERSE = (() => {
  let x = MULTIPLIER;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(MULTIPLIER, x));
  return x >>> 0;
})();

/** A 32-bit number unique per (seed, tag, index) for indexes below 2^32 (see uniqueHex). */
export function uniqueUint32(seed: number, tag: string, index: number): number {
  return Math.imul((index >>> 0) ^ hash32(seed, tag, 0), MULTIPLIER) >>> 0;
}

/** The index whose uniqueUint32 (and uniqueHex's last 8 digits) is `value`: its inverse. */
export function indexOfUint32(seed: number, tag: string, value: number): number {
  return (Math.imul(value >>> 0, INVERSE) ^ hash32(seed, tag, 0)) >>> 0;
}

/**
 * Hex text unique per (seed, tag, index) for indexes below 2^32, at least 8 characters: XOR with a
 * salt and an odd multiplier are both bijections on 32-bit integers, so no two indexes collide.
 */
export function uniqueHex(seed: number, tag: string, index: number, length = 8): string {
  const low = uniqueUint32(seed, tag, index).toString(16).padStart(8, '0');
  if (length <= 8) return low;
  const high = Math.floor(index / 0x100000000).toString(16);
  const filler = hash32(seed, tag, index).toString(16).padStart(8, '0');
  return `${filler}${high}${low}`.slice(-length).padStart(length, '0');
}
