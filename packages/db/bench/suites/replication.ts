import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPokecodeClient, openDatabase, startReplication } from '../../src/index.ts';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '../lib/types.ts';
import { interleave } from './client-ops.ts';

const quiet = { migrate: { log: () => {} } };

/** A pokecode database with a session, and a function appending one message (one commit). */
async function messageLog(path: string) {
  const handle = await openDatabase('pokecode', { path, ...quiet });
  const client = createPokecodeClient(handle);
  const { id: sessionId } = client.createSession({
    provider: 'claude-code',
    projectPath: '/home/me/project',
    name: 'bench',
  });
  const append = () =>
    client.saveMessage({
      sessionId,
      provider: 'claude-code',
      type: 'assistant',
      contentData: JSON.stringify({ text: 'the parser now handles nested quotes', tokens: 42 }),
      tokenCount: 42,
    });
  return { handle, append };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/**
 * Commit → replica lag under a stream of message appends (one every `everyMs`), as the
 * replication's own events measure it: each commit from the WAL poll before the one that saw it
 * to Litestream's report of the segment holding it written to the replica (a folder here).
 */
async function lagUnderStream(
  dir: string,
  monitorIntervalMs: number,
  seconds: number,
  everyMs: number,
): Promise<number[]> {
  const path = join(dir, `lag-${monitorIntervalMs}.db`);
  const { handle, append } = await messageLog(path);
  const replication = await startReplication({
    path,
    to: join(dir, `replica-${monitorIntervalMs}`),
    monitorIntervalMs,
  });
  const lags: number[] = [];
  try {
    await replication.caughtUp();
    replication.on('replicated', (event) => lags.push(...event.lagsMs));
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      append();
      await sleep(everyMs);
    }
    await replication.caughtUp();
  } finally {
    await replication.stop();
    handle.close();
  }
  return lags.sort((a, b) => a - b);
}

/**
 * Litestream replication (v0.3.13 from npm, a folder replica): lag p50/p99 under a steady stream
 * of message appends with this project's 100 ms monitor interval, beside Litestream's defaults
 * (1 s); and message-append throughput on a replicated file beside an unreplicated one, in
 * alternating rounds (target: ≥ 0.9 of it).
 */
export const replicationSuite: Suite = {
  name: 'replication',
  description:
    'Litestream: commit → replica lag under message appends, and write throughput beside it',
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-replication-'));
    try {
      const seconds = quick ? 1 : 10;
      const everyMs = 10;
      const ours = await lagUnderStream(dir, 100, seconds, everyMs);
      const defaults = await lagUnderStream(dir, 1000, seconds, everyMs);
      const lagComparison = (label: string, p: number): Comparison => {
        const a = percentile(ours, p);
        const b = percentile(defaults, p);
        return {
          name: `lag ${label}, commit → replica (monitor interval 100 ms)`,
          unit: 'ms',
          agentstate: a,
          baseline: b,
          baselineName: "Litestream's defaults (1 s)",
          ratio: b / a,
          iterations: ours.length,
          note: `${ours.length} commits at one per ${everyMs} ms for ${seconds} s; an upper bound per commit, to the 25 ms WAL poll`,
        };
      };

      // Throughput: the same appends on a replicated file and on a plain one, rounds alternating.
      const replicated = await messageLog(join(dir, 'replicated.db'));
      const plain = await messageLog(join(dir, 'plain.db'));
      const replication = await startReplication({
        path: replicated.handle.path,
        to: join(dir, 'replica-throughput'),
      });
      let measured: ReturnType<typeof interleave>;
      try {
        await replication.caughtUp();
        measured = interleave(quick ? 3 : 15, quick ? 50 : 1000, replicated.append, plain.append);
      } finally {
        await replication.stop();
        replicated.handle.close();
        plain.handle.close();
      }
      return {
        comparisons: [
          lagComparison('p50', 0.5),
          lagComparison('p99', 0.99),
          {
            name: 'message append on a replicated file (throughput)',
            unit: 'us',
            agentstate: measured.ours,
            baseline: measured.baseline,
            baselineName: 'the same append, no replication',
            ratio: measured.ratio!,
            iterations: measured.iterations,
            target: { description: '≥ 0.9 of the throughput without', met: measured.ratio! >= 0.9 },
            note: 'ratio = throughput with replication / without, median of alternating rounds',
          },
        ],
        skipped: [],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
