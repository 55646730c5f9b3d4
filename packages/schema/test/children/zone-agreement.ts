/**
 * Compares the codec of this process's zone (Date's local-time methods, TZ set by the parent)
 * with the codec that names the same zone (Intl), around every offset change from 1900 to 2040:
 * instants a few minutes either side, and wall times stepped across each gap and overlap.
 * Prints one JSON line: the zone, the changes found, the cases compared and the mismatches.
 */
import { localTimestamps } from '../../src/columns.ts';

const zone = process.env.TZ!;
const local = localTimestamps();
const named = localTimestamps(zone);
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The offset at an instant, from Date's local fields (exact to the second). */
function offset(ms: number): number {
  const d = new Date(ms);
  const wall = Date.UTC(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
  );
  return wall - Math.floor(ms / 1000) * 1000;
}

let changes = 0;
let cases = 0;
const mismatches: string[] = [];
function same(what: string, a: unknown, b: unknown) {
  cases++;
  if (a !== b && mismatches.length < 10) mismatches.push(`${what}: ${String(a)} vs ${String(b)}`);
}

/** The hours in which the offset changes: days first, then the hours of a day that changed. */
function* changeHours(): Generator<number> {
  for (let day = Date.UTC(1900, 0, 1); day < Date.UTC(2040, 0, 1); day += 24 * HOUR) {
    if (offset(day) === offset(day + 24 * HOUR)) continue;
    for (let t = day; t < day + 24 * HOUR; t += HOUR) {
      if (offset(t) !== offset(t + HOUR)) yield t;
    }
  }
}

for (const t of changeHours()) {
  changes++;
  for (let m = -150; m <= 150; m += 10) {
    const ms = t + m * MINUTE + 17_250;
    const text = local.format(ms);
    same(`format ${ms}`, text, named.format(ms));
    same(`read ${text}`, local.read(text).getTime(), named.read(text).getTime());
  }
  // Wall times from two hours before the change to two after, every five minutes (changes fall
  // on whole or half hours).
  const start = Date.parse(`${local.format(Math.floor((t - 2 * HOUR) / MINUTE) * MINUTE)}Z`);
  for (let m = 0; m <= 240; m += 5) {
    const text = new Date(start + m * MINUTE).toISOString().slice(0, 19);
    same(`wall ${text}`, local.read(text).getTime(), named.read(text).getTime());
  }
}
console.log(JSON.stringify({ zone, changes, cases, mismatches }));
