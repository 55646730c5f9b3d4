import type { SqliteConnection } from '../../src/driver/types.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  createDipeoClient,
  createPokecodeClient,
  openDatabase,
  type DatabaseHandle,
  type ExecutionInput,
} from '../../src/index.ts';
import { dipeoSql } from '../../src/client/dipeo/statements.ts';
import { pokecodeId } from '../../src/client/shared/ids.ts';
import { pokecodeSql } from '../../src/client/pokecode/statements.ts';
import type { PokecodeClient } from '../../src/client/pokecode/client.ts';
import { RECOVERY_INTERVAL_MS } from '../../src/client/shared/lease.ts';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '../lib/types.ts';

const RAW = 'raw better-sqlite3, same SQL';
const quiet = { migrate: { log: () => {} } };
const data = { prompt: 'refactor the parser', projectPath: '/home/me/project' };

/**
 * Runs `ops` calls of each side per round, alternating sides so machine noise hits both alike.
 * `warmup` untimed calls of each side come first, so neither side is measured before the JIT
 * has compiled it (a chain of comparisons stays balanced: both sides consume the same extra).
 * The times are each side's median round; the ratio is the median of the rounds' own ratios
 * (the two sides of a round run back to back), which a slow spell on a shared machine moves
 * less than it moves the ratio of the two medians.
 */
export function interleave(
  rounds: number,
  ops: number,
  ours: (i: number) => void,
  baseline: (i: number) => void,
  warmup = Math.min(ops, 100),
): Measured {
  const a: number[] = [];
  const b: number[] = [];
  let i = 0;
  let j = 0;
  for (let k = 0; k < warmup; k++) {
    ours(i++);
    baseline(j++);
  }
  for (let round = 0; round < rounds; round++) {
    const first = round % 2 === 0;
    for (const side of first ? [0, 1] : [1, 0]) {
      const start = performance.now();
      if (side === 0) for (let k = 0; k < ops; k++) ours(i++);
      else for (let k = 0; k < ops; k++) baseline(j++);
      (side === 0 ? a : b).push(((performance.now() - start) * 1000) / ops);
    }
  }
  return paired(a, b, rounds * ops);
}

/** A prompt job through the typed pokecode queue. */
export function enqueueJob(client: PokecodeClient, sessionId: string): void {
  client.jobs.enqueue({ sessionId, promptId: 'p', provider: 'claude-code', data });
}

/** The job cycle: enqueue, claim, complete, one commit each. */
export function jobCycle(client: PokecodeClient, sessionId: string): void {
  enqueueJob(client, sessionId);
  client.jobs.complete(client.jobs.claim({ worker: 'bench' })!);
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/**
 * Per-round times of both sides (round k of each ran back to back): their medians, and the median
 * of the rounds' own ratios.
 */
export function paired(ours: number[], baseline: number[], iterations: number): Measured {
  return {
    ours: median(ours),
    baseline: median(baseline),
    ratio: median(ours.map((us, round) => baseline[round]! / us)),
    iterations,
  };
}

/** Median times per operation of both sides, and (from `interleave`) the median paired ratio. */
export interface Measured {
  ours: number;
  baseline: number;
  /** baseline / ours; when absent, the ratio of the two times. */
  ratio?: number;
  iterations: number;
}

export function comparison(
  name: string,
  m: Measured,
  baselineName = RAW,
  target?: { description: string; min: number },
): Comparison {
  const ratio = m.ratio ?? m.baseline / m.ours;
  const ops = (us: number) => Math.round(1e6 / us).toLocaleString('en-US');
  return {
    name,
    unit: 'us',
    agentstate: m.ours,
    baseline: m.baseline,
    baselineName,
    ratio,
    iterations: m.iterations,
    ...(target && { target: { description: target.description, met: ratio >= target.min } }),
    note: `${ops(m.ours)} ops/s vs ${ops(m.baseline)} ops/s`,
  };
}

const atLeast09 = { description: 'ratio >= 0.9', min: 0.9 };

async function pair(
  dir: string,
  name: 'pokecode' | 'dipeo',
): Promise<[DatabaseHandle, DatabaseHandle]> {
  return [
    await openDatabase(name, { path: join(dir, `${name}-client.db`), ...quiet }),
    await openDatabase(name, { path: join(dir, `${name}-raw.db`), ...quiet }),
  ];
}

function rawSession(sqlite: SqliteConnection, id: string): void {
  sqlite
    .prepare(
      "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES (?, 'claude-code', '/p', 'n', 1, 1, 1)",
    )
    .run(id);
}

/** The raw baseline of the pokecode queue: the client's SQL and transactions, nothing else. */
export function rawQueue(sqlite: SqliteConnection) {
  const s = Object.fromEntries(
    Object.entries(pokecodeSql).map(([k, v]) => [k, sqlite.prepare(v)]),
  ) as Record<keyof typeof pokecodeSql, Database.Statement>;
  const seconds = () => Math.floor(Date.now() / 1000);
  const enqueue = sqlite.transaction((sessionId: string) => {
    const id = pokecodeId();
    s.insertJob.run(
      id,
      sessionId,
      'p',
      'claude-code',
      'pending',
      JSON.stringify(data),
      0,
      3,
      seconds(),
    );
    s.markSessionWorking.run({ job: id, now: seconds(), session: sessionId });
  });
  // The client's claim loop over the same statements, by hand (recovery interval, one seek per job).
  let lastRecovery = -Infinity;
  const recover = (now: number) =>
    s.recoverExpired.all({ seconds: seconds(), now, legacy: seconds() - 3600 }).length;
  const claimRows = (params: Record<string, unknown>, limit: number, now: number) => {
    let recovered = false;
    if (now - lastRecovery >= RECOVERY_INTERVAL_MS) {
      recover(now);
      recovered = true;
      lastRecovery = now;
    }
    const rows: Array<Record<string, unknown>> = [];
    while (rows.length < limit) {
      const row = s.claimNext.get(params) as Record<string, unknown> | undefined;
      if (row !== undefined) {
        rows.push(row);
        continue;
      }
      if (recovered || recover(now) === 0) break;
      recovered = true;
    }
    return rows;
  };
  const claim = sqlite.transaction((limit: number) => {
    const now = Date.now();
    const params = {
      now: seconds(),
      worker: 'raw',
      token: crypto.randomUUID(),
      expires: now + 60_000,
    };
    const rows = claimRows(params, limit, now);
    for (const row of rows) {
      if (row.next_retry_at !== null) s.clearRetry.run(row.id);
      s.markSessionWorking.run({ job: row.id, now: seconds(), session: row.session_id });
    }
    return rows;
  });
  const complete = sqlite.transaction((row: Record<string, unknown>) => {
    const done = s.completeJob.get(seconds(), row.id, row.lease_token) as { session_id: string };
    s.markSessionIdle.run('completed', seconds(), done.session_id, row.id);
  });
  return {
    enqueue: (sessionId: string) => enqueue.immediate(sessionId),
    claim: (limit = 1) => claim.immediate(limit),
    complete: (row: Record<string, unknown>) => complete.immediate(row),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** DiPeO's `datetime.now().isoformat()` by hand, as a raw writer of its rows would write it. */
const localIso = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:` +
  `${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`;

function execution(id: string): ExecutionInput {
  const nodes = Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [
      `node_${i}`,
      {
        status: 'completed' as const,
        started_at: '2026-01-15T10:00:00',
        llm_usage: { input: 120, output: 80 },
      },
    ]),
  );
  return {
    executionId: id,
    status: 'running',
    diagramId: 'diagram',
    startedAt: new Date(),
    nodeStates: nodes,
    nodeOutputs: {},
    llmUsage: { input: 960, output: 640, cached: null, total: 1600 },
    variables: { topic: 'bench', depth: 3 },
    execCounts: { node_0: 1, node_1: 1 },
    executedNodes: ['node_0', 'node_1'],
  };
}

/**
 * Every hot operation of the typed clients beside raw better-sqlite3 running the same SQL in the
 * same transactions, on file databases (WAL, synchronous=NORMAL), in one process and run.
 */
export const clientOpsSuite: Suite = {
  name: 'client-ops',
  description: 'typed client vs raw better-sqlite3 (same SQL) on every hot path',
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-client-'));
    const comparisons: Comparison[] = [];
    try {
      const [pc, pr] = await pair(dir, 'pokecode');
      const client = createPokecodeClient(pc);
      const session = client.createSession({
        provider: 'claude-code',
        projectPath: '/p',
        name: 'bench',
      });
      rawSession(pr.sqlite, session.id);
      const raw = rawQueue(pr.sqlite);
      // Many short rounds: the two sides of a round run a few milliseconds apart, so a slow spell
      // on a shared machine tends to hit both, and the median of 45 paired ratios sets it aside.
      const rounds = quick ? 2 : 45;
      const ops = quick ? 20 : 250;

      // Message append with its counters.
      const content = JSON.stringify({ type: 'assistant', message: { content: 'x'.repeat(400) } });
      const insertMessage = pr.sqlite.prepare(pokecodeSql.insertMessage);
      const bump = pr.sqlite.prepare(pokecodeSql.bumpSessionCounters);
      const rawAppend = pr.sqlite.transaction(() => {
        const now = Math.floor(Date.now() / 1000);
        insertMessage.run(
          pokecodeId(),
          session.id,
          'claude-code',
          'assistant',
          content,
          'ps',
          42,
          now,
        );
        bump.run(42, now, now, session.id);
      });
      comparisons.push(
        comparison(
          'pokecode: message append + counters',
          interleave(
            rounds,
            ops,
            () =>
              client.saveMessage({
                sessionId: session.id,
                provider: 'claude-code',
                type: 'assistant',
                contentData: content,
                providerSessionId: 'ps',
                tokenCount: 42,
              }),
            () => rawAppend.immediate(),
          ),
          RAW,
          atLeast09,
        ),
      );

      // Point get.
      const getSession = pr.sqlite.prepare(pokecodeSql.getSession);
      comparisons.push(
        comparison(
          'pokecode: point get (session by id)',
          interleave(
            rounds,
            quick ? 100 : 3_000,
            () => client.getSession(session.id),
            () => getSession.get(session.id),
          ),
          RAW,
          atLeast09,
        ),
      );

      // Job queue: enqueue, claim, complete, full cycle, batch claim.
      comparisons.push(
        comparison(
          'pokecode: job enqueue',
          interleave(
            rounds,
            ops,
            () => enqueueJob(client, session.id),
            () => raw.enqueue(session.id),
          ),
          RAW,
          atLeast09,
        ),
      );
      const claimedOurs: Array<{ id: string; leaseToken: string | null }> = [];
      const claimedRaw: Array<Record<string, unknown>> = [];
      comparisons.push(
        comparison(
          'pokecode: job claim',
          interleave(
            rounds,
            ops,
            () => claimedOurs.push(client.jobs.claim({ worker: 'bench' })!),
            () => claimedRaw.push(raw.claim()[0]!),
          ),
          RAW,
          atLeast09,
        ),
      );
      comparisons.push(
        comparison(
          'pokecode: job complete',
          interleave(
            rounds,
            ops,
            (i) => client.jobs.complete(claimedOurs[i]!),
            (i) => raw.complete(claimedRaw[i]!),
          ),
          RAW,
          atLeast09,
        ),
      );
      const cycle = interleave(
        rounds,
        quick ? 20 : 100,
        () => jobCycle(client, session.id),
        () => {
          raw.enqueue(session.id);
          raw.complete(raw.claim()[0]!);
        },
      );
      comparisons.push(comparison('pokecode: full job cycle (3 commits)', cycle, RAW, atLeast09));
      const batches = quick ? 2 : 20;
      for (let k = 0; k < (rounds + 1) * batches * 32; k++) {
        enqueueJob(client, session.id);
        raw.enqueue(session.id);
      }
      comparisons.push(
        comparison(
          'pokecode: batch claim of 32',
          interleave(
            rounds,
            batches,
            () => client.jobs.claimBatch(32, { worker: 'bench' }),
            () => raw.claim(32),
          ),
          RAW,
          atLeast09,
        ),
      );

      // Resuming a session of 5,000 messages (~12 MB, 1 % of payloads over 100 KB).
      const resumeCount = quick ? 200 : 5000;
      const resumeOurs = client.createSession({
        provider: 'claude-code',
        projectPath: '/p',
        name: 'resume',
      });
      rawSession(pr.sqlite, resumeOurs.id);
      const big = JSON.stringify({ blob: 'b'.repeat(120 * 1024) });
      const small = JSON.stringify({ text: 's'.repeat(1200) });
      client.transaction(() => {
        for (let k = 0; k < resumeCount; k++) {
          client.saveMessage({
            sessionId: resumeOurs.id,
            provider: 'claude-code',
            type: 'assistant',
            contentData: k % 100 === 0 ? big : small,
          });
        }
      });
      pr.sqlite.transaction(() => {
        for (let k = 0; k < resumeCount; k++) {
          insertMessage.run(
            pokecodeId(),
            resumeOurs.id,
            'claude-code',
            'assistant',
            k % 100 === 0 ? big : small,
            null,
            null,
            k,
          );
        }
      })();
      const listMessages = pr.sqlite.prepare(pokecodeSql.listMessages);
      const resumeMb = (
        (Math.ceil(resumeCount / 100) * big.length +
          (resumeCount - Math.ceil(resumeCount / 100)) * small.length) /
        1e6
      ).toFixed(1);
      comparisons.push(
        comparison(
          `pokecode: resume ${resumeCount.toLocaleString('en-US')} messages (${resumeMb} MB)`,
          interleave(
            quick ? 2 : 9,
            quick ? 1 : 3,
            () => client.listMessages(resumeOurs.id),
            () => listMessages.all(resumeOurs.id),
          ),
          RAW,
          atLeast09,
        ),
      );
      pc.close();
      pr.close();

      // dipeo: transition append and execution upsert.
      const [dc, dr] = await pair(dir, 'dipeo');
      const dipeo = createDipeoClient(dc);
      const appendRaw = dr.sqlite.prepare(dipeoSql.appendTransition);
      const payload = { data: { node_id: 'node_3', output: { text: 'y'.repeat(300) } } };
      comparisons.push(
        comparison(
          'dipeo: transition append (seq by the database)',
          interleave(
            rounds,
            ops,
            () =>
              dipeo.appendTransition({
                executionId: 'exec',
                nodeId: 'node_3',
                phase: 'node_completed',
                payload,
              }),
            () =>
              appendRaw.get({
                execution: 'exec',
                node: 'node_3',
                phase: 'node_completed',
                payload: JSON.stringify({ event_type: 'node_completed', ...payload }),
                created: new Date().toISOString().slice(0, 19).replace('T', ' '),
              }),
          ),
          RAW,
          atLeast09,
        ),
      );
      const upsertRaw = dr.sqlite.prepare(dipeoSql.upsertExecution);
      const e = execution('exec-1');
      comparisons.push(
        comparison(
          'dipeo: execution upsert',
          interleave(
            rounds,
            ops,
            () => dipeo.saveExecution(e),
            () =>
              upsertRaw.run(
                e.executionId,
                e.status,
                e.diagramId,
                localIso(e.startedAt),
                null,
                JSON.stringify(e.nodeStates),
                JSON.stringify(e.nodeOutputs),
                JSON.stringify(e.llmUsage),
                null,
                JSON.stringify(e.variables),
                JSON.stringify(e.execCounts),
                JSON.stringify(e.executedNodes),
                null,
                localIso(new Date()),
              ),
          ),
          RAW,
          atLeast09,
        ),
      );
      dc.close();
      dr.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { comparisons, skipped: [] };
  },
};
