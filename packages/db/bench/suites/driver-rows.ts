// The queue's hot paths on one driver beside that driver used raw with the same SQL, in the same
// run. Runs under Node (libSQL file:) and under Bun (bun:sqlite, through bun-drivers.ts); imports
// nothing Node-only beyond node:fs and node:crypto (which Bun has).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pokecodeId } from '../../src/client/shared/ids.ts';
import type { Comparison } from '../lib/types.ts';

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/**
 * Alternating rounds of both sides, after an untimed round of each (so neither is timed before the
 * JIT has compiled it). A side whose calls return promises is awaited; a synchronous one is not,
 * since awaiting a value adds a microtask to each call that would hide part of a gap.
 */
export async function interleaveAsync(
  rounds: number,
  ops: number,
  ours: () => unknown,
  baseline: () => unknown,
): Promise<{ ours: number; baseline: number; ratio: number; iterations: number }> {
  const a: number[] = [];
  const b: number[] = [];
  const timed = async (side: () => unknown): Promise<number> => {
    const start = performance.now();
    const first = side();
    if (first instanceof Promise) {
      await first;
      for (let k = 1; k < ops; k++) await side();
    } else {
      for (let k = 1; k < ops; k++) side();
    }
    return ((performance.now() - start) * 1000) / ops;
  };
  await timed(ours);
  await timed(baseline);
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
      if (side === 0) a.push(await timed(ours));
      else b.push(await timed(baseline));
    }
  }
  return {
    ours: median(a),
    baseline: median(b),
    ratio: median(a.map((us, round) => b[round]! / us)),
    iterations: rounds * ops,
  };
}

/** One hot path: ours and the raw driver's version of it, each a function of no arguments. */
export interface HotPath {
  name: string;
  ours: () => unknown;
  raw: () => unknown;
  /** Throws if the two sides would not do the same work (run once, before the timing). */
  check?: () => Promise<void>;
  /**
   * Calls of each side per round (default 200). A read of a few microseconds takes 3,000, as in
   * the client-ops suite, so a round outlasts a timer tick and the JIT has compiled both sides.
   */
  ops?: number;
}

export async function measureHotPaths(
  driver: string,
  paths: HotPath[],
  quick: boolean,
  target = 0.9,
): Promise<Comparison[]> {
  const out: Comparison[] = [];
  for (const path of paths) {
    await path.check?.();
    const ops = quick ? 5 : (path.ops ?? 200);
    const m = await interleaveAsync(quick ? 2 : 15, ops, path.ours, path.raw);
    out.push({
      name: `${driver}: ${path.name}`,
      unit: 'us',
      agentstate: m.ours,
      baseline: m.baseline,
      baselineName: `raw ${driver}, same SQL`,
      ratio: m.ratio,
      iterations: m.iterations,
      target: { description: `ratio >= ${target}`, met: m.ratio >= target },
    });
  }
  return out;
}

export function scratchDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-drivers-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bare pokecode queue's SQL (no session tracking) as the raw side runs it. */
export interface RawQueue {
  enqueue(id: string): unknown;
  claim(): unknown;
  complete(row: Record<string, unknown>): unknown;
  /** The job's row, or undefined. */
  get(id: string): unknown;
}

const POINT_GET_OPS = 3_000;

/** ours: the client's queue (values or promises); raw: the same statements on the raw driver. */
export function queueHotPaths(
  ours: {
    enqueue(input: object): unknown;
    claim(options: { worker: string }): unknown;
    complete(job: { id: string; leaseToken: string | null }): unknown;
    get(id: string): unknown;
  },
  raw: RawQueue,
): HotPath[] {
  const job = (n: number) => ({
    sessionId: 's1',
    promptId: `p${n}`,
    provider: 'claude-code',
    data: { prompt: 'refactor the parser', projectPath: '/home/me/project' },
  });
  let n = 0;
  // Each side reads back a job of its own database: a baseline looking up an id its database
  // does not have would find no row and measure less work.
  let lastId = '';
  let lastRawId = '';
  const found = (side: string, row: unknown) => {
    if (row === undefined || row === null) throw new Error(`${side} point get found no job`);
  };
  let checked = false;
  return [
    {
      name: 'job cycle (enqueue, claim, complete)',
      ours: async () => {
        await ours.enqueue(job(n++));
        const claimed = (await ours.claim({ worker: 'bench' })) as {
          id: string;
          leaseToken: string;
        };
        lastId = claimed.id;
        await ours.complete(claimed);
      },
      raw: async () => {
        // An id like ours (pokecode's random 24 characters), so both sides write the same kind
        // of keys: sequential ones append to the primary key's index where ours land anywhere.
        n++;
        await raw.enqueue(pokecodeId());
        const claimed = (await raw.claim()) as Record<string, unknown>;
        lastRawId = claimed.id as string;
        await raw.complete(claimed);
      },
    },
    {
      name: 'point get (job by id)',
      ops: POINT_GET_OPS,
      ours: () => ours.get(lastId),
      raw: () => raw.get(lastRawId),
      // Once, before the timing: both sides find their job.
      check: async () => {
        if (checked) return;
        checked = true;
        found('ours', await ours.get(lastId));
        found('raw', await raw.get(lastRawId));
      },
    },
    {
      // The same read where the raw side also gives the typed job, decoded by hand as code
      // using the driver directly would: what the typed row itself costs is left out of the ratio.
      name: 'point get, typed on both sides (raw + hand-written decode)',
      ops: POINT_GET_OPS,
      ours: () => ours.get(lastId),
      raw: () => thenMap(raw.get(lastRawId), handDecodedJob),
      check: async () => {
        const mine = (await ours.get(lastId)) as Record<string, unknown>;
        const theirs = handDecodedJob(await raw.get(lastRawId));
        // The same shape and conversions (ids and times differ between the two files).
        const shape = (job: Record<string, unknown>) =>
          Object.entries(job).map(([key, value]) => [key, value?.constructor?.name ?? null]);
        if (JSON.stringify(shape(mine)) !== JSON.stringify(shape(theirs))) {
          throw new Error('the hand-written decode gives another shape than the client');
        }
        if (JSON.stringify(mine.data) !== JSON.stringify(theirs.data)) {
          throw new Error('the hand-written decode reads data otherwise than the client');
        }
      },
    },
  ];
}

const thenMap = <T, R>(value: T | Promise<T>, fn: (value: T) => R): R | Promise<R> =>
  value instanceof Promise ? value.then(fn) : fn(value);

const seconds = (value: unknown) => (value === null ? null : new Date((value as number) * 1000));

/** pokecode's job row typed by hand, as code on the raw driver would write it. */
function handDecodedJob(found: unknown): Record<string, unknown> {
  const r = found as Record<string, unknown>;
  return {
    id: r.id,
    sessionId: r.session_id,
    promptId: r.prompt_id,
    provider: r.provider,
    status: r.status,
    data: JSON.parse(r.data as string) as unknown,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    createdAt: seconds(r.created_at),
    startedAt: seconds(r.started_at),
    completedAt: seconds(r.completed_at),
    error: r.error,
    nextRetryAt: seconds(r.next_retry_at),
    leaseOwner: r.lease_owner,
    leaseToken: r.lease_token,
    leaseExpiresAt: r.lease_expires_at === null ? null : new Date(r.lease_expires_at as number),
    progress: r.progress,
  };
}
