import { randomFillSync } from 'node:crypto';
import type { Operation } from '../../driver/operation.ts';
import { sqliteCode } from './constraints.ts';

/**
 * Ids in the format each original tool makes them, from a CSPRNG.
 *
 * - pokecode: cuid2-style, 24 characters, a lowercase letter then base-36. The
 *   `@paralleldrive/cuid2` package measured ~300 µs per id on Node 20 (a SHA-3 and a bignumber per
 *   id), 30x the cost of the insert it names, so the same shape is drawn straight from random bytes
 *   (about 119 random bits: no collision in any realistic count).
 * - mcpmaker: `Date.now().toString(36)` + `-` + 8 base-36 characters. The suffix is random at each
 *   new millisecond and counts up within one, so ids from one process are unique and sort by time.
 * - engine: 8 base-36 characters (the original cut a uuid4 to 8 hex characters: 32 bits, whose
 *   first collision is expected after ~77,000 ids). 36^8 ≈ 2.8e12 makes a collision in a million
 *   ids unlikely (~16 %) but not impossible, so every engine insert retries with a fresh id on a
 *   primary-key conflict (see `insertWithFreshId`).
 * - dipeo: composite, `<execution_id>:<seq>` and `<execution_id>:<node_id>:<utc seconds>`.
 */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomByte(): number {
  if (poolOffset >= POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool.readUInt8(poolOffset++);
}

/** `length` uniformly random characters of `alphabet` (rejection sampling: no modulo bias). */
function randomChars(length: number, alphabet: string = ALPHABET): string {
  const n = alphabet.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % n];
  }
  return out;
}

/** pokecode id: cuid2's shape, 24 characters starting with a letter. */
export function pokecodeId(): string {
  return randomChars(1, 'abcdefghijklmnopqrstuvwxyz') + randomChars(23);
}

/** engine id: 8 base-36 characters. */
export function engineId(): string {
  return randomChars(8);
}

const SUFFIX_SPACE = 36 ** 8;
let lastMillis = -1;
let lastSuffix = 0;

/** mcpmaker id: `<ms base-36>-<8 base-36>`, increasing within a process. */
export function mcpmakerId(now: number = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    // Start in the lower half so the counter has room to run within the millisecond.
    lastSuffix = Math.floor(parseInt(randomChars(8), 36) / 2);
  } else {
    lastSuffix += 1 + randomByte();
    if (lastSuffix >= SUFFIX_SPACE) {
      lastMillis += 1;
      lastSuffix = 0;
    }
  }
  return `${lastMillis.toString(36)}-${lastSuffix.toString(36).padStart(8, '0')}`;
}

/** dipeo transition id. */
export function transitionId(executionId: string, seq: number): string {
  return `${executionId}:${seq}`;
}

let lastMessageMicros = 0;

/**
 * dipeo message id: `<execution_id>:<node_id>:<utc seconds with microseconds>`, as Python's
 * `datetime.utcnow().timestamp()` prints it. The microsecond clock never repeats within a process.
 */
export function dipeoMessageId(
  executionId: string,
  nodeId: string,
  now: number = Date.now(),
): string {
  const micros = Math.max(now * 1000, lastMessageMicros + 1);
  lastMessageMicros = micros;
  return `${executionId}:${nodeId}:${(micros / 1e6).toFixed(6)}`;
}

/** A generic random id (multishot, which has no original format). */
export function randomId(): string {
  return crypto.randomUUID();
}

/**
 * SQLITE_CONSTRAINT_PRIMARYKEY, raw or as the cause of the RowValidationError it became: the one
 * error a fresh id can cure.
 */
export function isPrimaryKeyConflict(error: unknown): boolean {
  return (
    sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    sqliteCode((error as { cause?: unknown } | null)?.cause) === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * Runs `insert(id)` (the steps of an operation) with fresh ids from `makeId` until it does not
 * hit a primary-key conflict (an 8-character id can collide). Any other error propagates.
 */
export function* insertWithFreshId<T>(
  makeId: () => string,
  insert: (id: string) => Operation<T>,
  attempts = 8,
): Operation<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return yield* insert(makeId());
    } catch (error) {
      if (!isPrimaryKeyConflict(error) || attempt >= attempts) throw error;
    }
  }
}
