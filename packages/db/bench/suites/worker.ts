import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteConnection } from '../../src/driver/types.ts';
import { configureConnection } from '../../src/open/pragmas.ts';
import { createEngineClient, createPokecodeClient, openDatabase } from '../../src/index.ts';
import { loadPeers, type Plainjob } from '../lib/peers.ts';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '../lib/types.ts';
import { comparison, paired } from './client-ops.ts';

const quiet = { migrate: { log: () => {} } };
const data = { prompt: 'refactor the parser', projectPath: '/home/me/project' };
const silent = { error() {}, warn() {}, info() {}, debug() {} };

/** A drain: fills the queue with `jobs` jobs (not timed), then runs a worker until all are done. */
interface Drain {
  fill(jobs: number): void;
  /** Microseconds per job of the worker's drain. */
  drain(jobs: number): Promise<number>;
  sqlite: SqliteConnection;
}

/** Our worker at concurrency 1 on a bare pokecode queue (or with session bookkeeping). */
async function pokecodeDrain(path: string, trackSessions: boolean): Promise<Drain> {
  const handle = await openDatabase('pokecode', { path, ...quiet });
  const client = createPokecodeClient(handle, { trackSessions });
  const session = client.createSession({ provider: 'claude-code', projectPath: '/p', name: 'w' });
  return {
    sqlite: handle.sqlite,
    fill(jobs) {
      client.transaction(() => {
        for (let i = 0; i < jobs; i++) {
          client.jobs.enqueue({
            sessionId: session.id,
            promptId: 'p',
            provider: 'claude-code',
            data,
          });
        }
      });
    },
    drain: (jobs) =>
      runOurs(jobs, (handler, onEvent) =>
        client.jobs.startWorker(handler, { concurrency: 1, pollMs: 60_000, onEvent }),
      ),
  };
}

async function engineDrain(path: string): Promise<Drain> {
  const handle = await openDatabase('engine', { path, ...quiet });
  const client = createEngineClient(handle);
  return {
    sqlite: handle.sqlite,
    fill(jobs) {
      client.transaction(() => {
        for (let i = 0; i < jobs; i++) {
          client.workers.schedule({ primitive: 'bench', instructions: data.prompt });
        }
      });
    },
    drain: (jobs) =>
      runOurs(jobs, (handler, onEvent) =>
        client.workers.startWorker(handler, { concurrency: 1, pollMs: 60_000, onEvent }),
      ),
  };
}

type Start = (
  handler: () => void,
  onEvent: (event: { type: string }) => void,
) => { stop(): Promise<void> };

async function runOurs(jobs: number, start: Start): Promise<number> {
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const began = performance.now();
  const worker = start(
    () => {},
    (event) => {
      if (event.type === 'complete' && ++done === jobs) finish();
    },
  );
  await finished;
  const us = ((performance.now() - began) * 1000) / jobs;
  await worker.stop();
  return us;
}

/** plainjob's own worker (defineWorker) on a plainjob queue with agentstate's pragmas. */
function plainjobDrain(
  { better, defineQueue, defineWorker }: Plainjob,
  path: string,
): Drain & {
  close(): void;
} {
  const db = new Database(path);
  configureConnection(db);
  const queue = defineQueue({ connection: better(db), maintenanceInterval: 3_600_000 });
  return {
    sqlite: db,
    fill(jobs) {
      db.transaction(() => {
        for (let i = 0; i < jobs; i++) queue.add('bench', data);
      })();
    },
    async drain(jobs) {
      let done = 0;
      let finish: () => void = () => {};
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const began = performance.now();
      const worker = defineWorker('bench', () => {}, {
        queue,
        pollIntervall: 60_000,
        logger: silent,
        onCompleted: () => {
          if (++done === jobs) finish();
        },
      });
      const running = worker.start();
      await finished;
      const us = ((performance.now() - began) * 1000) / jobs;
      await worker.stop();
      await running;
      return us;
    },
    close: () => queue.close(),
  };
}

/** WAL frames the drain of `jobs` jobs commits per job, checkpoints held off. */
async function walPagesPerJob(side: Drain, jobs: number): Promise<number> {
  side.fill(jobs);
  side.sqlite.pragma('wal_autocheckpoint = 0');
  side.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await side.drain(jobs);
  const [{ log }] = side.sqlite.pragma('wal_checkpoint(PASSIVE)') as [{ log: number }];
  side.sqlite.pragma('wal_autocheckpoint = 1000');
  return log / jobs;
}

/**
 * A worker's steady state: a backlog drained at concurrency 1 by startWorker (each job's
 * completion and the next claim in one commit) against plainjob's own worker loop draining the
 * same number of jobs, in alternating rounds on files with the same pragmas.
 */
export const workerSuite: Suite = {
  name: 'worker',
  description: 'startWorker draining a backlog at concurrency 1 vs plainjob’s own worker',
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const { plainjob } = await loadPeers();
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-worker-'));
    const comparisons: Comparison[] = [];
    try {
      const bare = await pokecodeDrain(join(dir, 'bare.db'), false);
      const tracked = await pokecodeDrain(join(dir, 'tracked.db'), true);
      const engine = await engineDrain(join(dir, 'engine.db'));
      const plain = plainjobDrain(plainjob, join(dir, 'plainjob.db'));
      const sides = { bare, tracked, engine, plain };
      const results = {
        bare: [] as number[],
        tracked: [] as number[],
        engine: [] as number[],
        plain: [] as number[],
      };
      const rounds = quick ? 2 : 9;
      const jobs = quick ? 50 : 2_000;
      const order = Object.keys(sides) as Array<keyof typeof sides>;
      for (let r = 0; r < rounds; r++) {
        // Alternate who goes first, so machine noise hits every side alike.
        for (const name of r % 2 === 0 ? order : [...order].reverse()) {
          sides[name].fill(jobs);
          results[name].push(await sides[name].drain(jobs));
        }
      }
      const target = { description: 'ratio >= 1.2', min: 1.2 };
      comparisons.push(
        comparison(
          'worker steady state (bare queue, concurrency 1) vs plainjob worker',
          paired(results.bare, results.plain, rounds * jobs),
          'plainjob 0.0.14 defineWorker',
          target,
        ),
        comparison(
          'worker steady state with session bookkeeping vs plainjob worker',
          paired(results.tracked, results.plain, rounds * jobs),
          'plainjob 0.0.14 defineWorker',
        ),
        comparison(
          'engine workers steady state vs plainjob worker',
          paired(results.engine, results.plain, rounds * jobs),
          'plainjob 0.0.14 defineWorker',
        ),
      );
      const pageJobs = quick ? 20 : 500;
      const ourPages = await walPagesPerJob(bare, pageJobs);
      const plainPages = await walPagesPerJob(plain, pageJobs);
      comparisons.push({
        ...comparison(
          'WAL pages per drained job (bare queue) vs plainjob worker',
          { ours: ourPages, baseline: plainPages, iterations: pageJobs },
          'plainjob 0.0.14 defineWorker',
        ),
        unit: 'pages',
        note: 'one commit per job (complete and claim the next) against two for plainjob',
      });
      for (const side of [bare, tracked, engine]) side.sqlite.close();
      plain.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { comparisons, skipped: [] };
  },
};
