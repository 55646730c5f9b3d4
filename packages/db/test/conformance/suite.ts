// The conformance suite every driver runs: the access patterns, the queue contract of both leased
// queues and the migrator's safety cases, written once with the driver injected (as drizzle-orm's
// integration tests are). It imports no test runner: vitest (Node) and bun:test (Bun) hand it
// theirs, and every call is awaited, so the same code checks drivers that return values and
// drivers that return promises.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createClient,
  createQueue,
  ForeignKeyViolationError,
  LeaseLostError,
  loadMigrations,
  NewerDatabaseError,
  type DatabaseName,
  type Migration,
  type OpenMigrateOptions,
  type QueueTarget,
} from '../../src/index.ts';
import { hashMigration } from '../../src/migrate/load-migrations.ts';
import { RECOVERY_INTERVAL_MS } from '../../src/client/shared/lease.ts';
import { defineWorkerContract } from './worker-contract.ts';

type Row = Record<string, unknown>;

/** The matchers the suite uses, which the `expect` of vitest and of bun:test both provide. */
export interface Matchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeInstanceOf(expected: abstract new (...args: never[]) => unknown): void;
  toBeNull(): void;
  toBeUndefined(): void;
  toHaveLength(length: number): void;
  toMatch(expected: RegExp | string): void;
  readonly not: Matchers;
}

/** What a test runner gives the suite (vitest and bun:test share this shape). */
export interface TestApi {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => Promise<void>, timeout?: number) => void;
  expect: (value: unknown) => Matchers;
  afterEach: (body: () => void) => void;
}

export interface Opened {
  target: QueueTarget;
  /** Whether the target also takes the synchronous clients (createClient). */
  clients: boolean;
  query(sql: string, args?: unknown[]): Promise<Row[]>;
  close(): void;
}

export interface DriverUnderTest {
  name: string;
  /** Opens (and, unless told not to, migrates) database `name` in the file at `path`. */
  open(name: DatabaseName, path: string, migrate?: OpenMigrateOptions | false): Promise<Opened>;
  /** True when each test may have a file of its own (not a shared server). */
  files: boolean;
}

const quiet = { log: () => {} };
const data = { prompt: 'fix the parser', projectPath: '/repo' };
const fixtures = fileURLToPath(new URL('../fixtures/migrations/', import.meta.url));

function fakeClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => (now += ms);
  return clock;
}

async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export function defineConformance(t: TestApi, driver: DriverUnderTest): void {
  const { describe, it, expect, afterEach } = t;
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length > 0) cleanups.pop()!();
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-conformance-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const open = async (name: DatabaseName, migrate?: OpenMigrateOptions | false) => {
    const opened = await driver.open(name, join(tempDir(), `${name}.db`), migrate ?? quiet);
    cleanups.push(() => opened.close());
    return opened;
  };

  describe(`${driver.name}: pokecode job_queue contract`, () => {
    async function setup() {
      const db = await open('pokecode');
      await db.query(
        `INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at,
          last_accessed_at) VALUES ('s1', 'claude-code', '/repo', 'one', 1, 1, 1)`,
      );
      const clock = fakeClock();
      const jobs = createQueue('pokecode', db.target, { clock, backoff: { random: () => 0.5 } });
      const enqueue = (promptId: string, maxAttempts?: number) =>
        jobs.enqueue({ sessionId: 's1', promptId, provider: 'claude-code', data, maxAttempts });
      return { db, clock, jobs, enqueue };
    }

    it('gives a job to one worker with a fencing token; the next claim finds none', async () => {
      const { db, jobs, enqueue } = await setup();
      const job = await enqueue('p1');
      const claimed = await jobs.claim({ worker: 'w1' });
      expect(claimed?.id).toBe(job.id);
      expect(claimed?.status).toBe('processing');
      expect(claimed?.attempts).toBe(1);
      expect(typeof claimed?.leaseToken).toBe('string');
      expect(await jobs.claim({ worker: 'w2' })).toBeUndefined();
      const [session] = await db.query('SELECT is_working, current_job_id FROM sessions');
      expect(session).toEqual({ is_working: 1, current_job_id: job.id });
    });

    it('claims a batch oldest first, each once', async () => {
      const { jobs, enqueue } = await setup();
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await enqueue(`p${i}`)).id);
      const first = await jobs.claimBatch(3, { worker: 'w' });
      const rest = await jobs.claimBatch(3, { worker: 'w' });
      expect([...first, ...rest].map((job) => job.id)).toEqual(ids);
    });

    it('heartbeats and finishes only with the held token (LeaseLostError otherwise)', async () => {
      const { db, clock, jobs, enqueue } = await setup();
      await enqueue('p');
      const claimed = (await jobs.claim({ worker: 'w', leaseMs: 1_000 }))!;
      clock.advance(500);
      expect(await jobs.heartbeat(claimed, 5_000)).toEqual(new Date(clock() + 5_000));
      const stranger = { id: claimed.id, leaseToken: 'not-the-token' };
      expect(await failure(() => jobs.heartbeat(stranger))).toBeInstanceOf(LeaseLostError);
      expect(await failure(() => jobs.complete(stranger))).toBeInstanceOf(LeaseLostError);
      await jobs.complete(claimed);
      expect(await failure(() => jobs.complete(claimed))).toBeInstanceOf(LeaseLostError);
      expect((await jobs.get(claimed.id))?.status).toBe('completed');
      const [session] = await db.query('SELECT is_working, last_job_status FROM sessions');
      expect(session).toEqual({ is_working: 0, last_job_status: 'completed' });
    });

    it('retries a failed job after its backoff, then fails it for good', async () => {
      const { clock, jobs, enqueue } = await setup();
      const job = await enqueue('p', 2);
      const first = (await jobs.claim({ worker: 'w' }))!;
      const retry = await jobs.fail(first, 'boom');
      expect(retry.status).toBe('pending');
      expect(await jobs.claim({ worker: 'w' })).toBeUndefined();
      clock.advance(60_000);
      const second = (await jobs.claim({ worker: 'w' }))!;
      expect(second.id).toBe(job.id);
      expect(second.nextRetryAt).toBeNull();
      expect(await jobs.fail(second, 'boom again')).toEqual({ status: 'failed' });
      expect((await jobs.get(job.id))?.error).toBe('boom again');
      expect(await jobs.counts()).toEqual({
        pending: 0,
        processing: 0,
        completed: 0,
        failed: 1,
        cancelled: 0,
      });
    });

    it('recovers an expired lease on the next claim, fencing the old holder out', async () => {
      const { clock, jobs, enqueue } = await setup();
      await enqueue('p');
      const lost = (await jobs.claim({ worker: 'crashed', leaseMs: 1_000 }))!;
      clock.advance(1_000 + RECOVERY_INTERVAL_MS);
      const again = (await jobs.claim({ worker: 'w2' }))!;
      expect(again.id).toBe(lost.id);
      expect(again.attempts).toBe(2);
      expect(await failure(() => jobs.complete(lost))).toBeInstanceOf(LeaseLostError);
      await jobs.complete(again);
    });

    it('fails a row an outside writer left unreadable and claims the next', async () => {
      const { db, jobs, enqueue } = await setup();
      await db.query(
        `INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, attempts,
          max_attempts, created_at) VALUES ('bad', 's1', 'x', 'claude-code', 'pending', 'not json',
          0, 3, 1)`,
      );
      const good = await enqueue('p');
      expect((await jobs.claim({ worker: 'w' }))?.id).toBe(good.id);
      const bad = await db.query("SELECT status, error FROM job_queue WHERE id = 'bad'");
      expect(bad[0]!.status).toBe('failed');
      expect(String(bad[0]!.error)).toMatch(/^unreadable row/);
    });

    it('cancels a session and cleans finished jobs past the retention', async () => {
      const { clock, jobs, enqueue } = await setup();
      await enqueue('a');
      await enqueue('b');
      expect(await jobs.cancelSession('s1')).toBe(2);
      clock.advance(31 * 86_400_000);
      expect(await jobs.cleanup()).toBe(2);
      expect(await jobs.counts()).toMatchObject({ cancelled: 0, pending: 0 });
    });
  });

  describe(`${driver.name}: engine workers contract`, () => {
    async function setup() {
      const db = await open('engine');
      const clock = fakeClock();
      const workers = createQueue('engine', db.target, { clock, backoff: { random: () => 0.5 } });
      return { db, clock, workers };
    }

    it('dedupes by hash: a pending worker is refreshed, a running one returned as is', async () => {
      const { workers } = await setup();
      const first = await workers.schedule({
        primitive: 'p',
        instructions: 'one',
        dedupeHash: 'h',
      });
      const again = await workers.schedule({
        primitive: 'p',
        instructions: 'two',
        dedupeHash: 'h',
      });
      expect(again.id).toBe(first.id);
      expect(again.instructions).toBe('two');
      const running = (await workers.claim({ worker: 'w' }))!;
      const third = await workers.schedule({
        primitive: 'p',
        instructions: 'three',
        dedupeHash: 'h',
      });
      expect(third.id).toBe(running.id);
      expect(third.instructions).toBe('two');
      await workers.complete(running);
      const fresh = await workers.schedule({
        primitive: 'p',
        instructions: 'four',
        dedupeHash: 'h',
      });
      expect(fresh.id).not.toBe(first.id);
    });

    it('claims the most urgent worker first, each once, and fences finished leases', async () => {
      const { workers } = await setup();
      await workers.schedule({ primitive: 'p', instructions: 'low', priority: 0 });
      const high = await workers.schedule({ primitive: 'p', instructions: 'high', priority: 5 });
      const claimed = await workers.claimBatch(5, { worker: 'w' });
      expect(claimed.map((w) => w.instructions)).toEqual(['high', 'low']);
      expect(await workers.claim({ worker: 'w' })).toBeUndefined();
      await workers.complete(claimed[0]!);
      expect(await failure(() => workers.complete(claimed[0]!))).toBeInstanceOf(LeaseLostError);
      expect((await workers.get(high.id))?.status).toBe('complete');
      expect(await workers.cancel(high.id)).toBe(false);
      expect(await workers.cancel(claimed[1]!.id)).toBe(true);
    });

    it('counts retries at failure and recovers expired leases as failed attempts', async () => {
      const { clock, workers } = await setup();
      const w = await workers.schedule({ primitive: 'p', instructions: 'i', maxRetries: 1 });
      const first = (await workers.claim({ worker: 'a', leaseMs: 1_000 }))!;
      clock.advance(1_000 + RECOVERY_INTERVAL_MS);
      expect(await workers.recoverExpired()).toBe(1);
      expect((await workers.get(w.id))?.retryCount).toBe(1);
      expect(await failure(() => workers.heartbeat(first))).toBeInstanceOf(LeaseLostError);
      const second = (await workers.claim({ worker: 'b' }))!;
      expect(await workers.fail(second, 'x'.repeat(600))).toEqual({ status: 'failed' });
      expect((await workers.get(w.id))?.lastError).toHaveLength(512);
    });
  });

  describe(`${driver.name}: migrator and adoption`, () => {
    if (!driver.files) return;
    const cascade = () => loadMigrations({ folder: join(fixtures, 'cascade') });
    const cascadeV1 = () => loadMigrations({ folder: join(fixtures, 'cascade-v1') });
    async function seeded(dir: string, migrations: readonly Migration[]) {
      const path = join(dir, 'app.db');
      const db = await driver.open('pokecode', path, { ...quiet, migrations });
      for (let id = 1; id <= 5; id++) {
        await db.query('INSERT INTO parents (id, name, rank) VALUES (?, ?, ?)', [id, `p${id}`, id]);
        for (let c = 0; c < 3; c++) {
          await db.query('INSERT INTO children (parent_id, label) VALUES (?, ?)', [id, `c${c}`]);
        }
      }
      db.close();
      return path;
    }

    it('rebuilds a parent table without cascading into its children, with a backup', async () => {
      const dir = tempDir();
      const path = await seeded(dir, cascadeV1());
      const db = await driver.open('pokecode', path, { ...quiet, migrations: cascade() });
      cleanups.push(() => db.close());
      expect(await db.query('SELECT count(*) AS n FROM children')).toEqual([{ n: 15 }]);
      expect(
        await db.query(
          "SELECT lower(type) AS type FROM pragma_table_info('parents') WHERE name = 'rank'",
        ),
      ).toEqual([{ type: 'real' }]);
      expect(await db.query('PRAGMA foreign_key_check')).toEqual([]);
      const backups = readdirSync(join(dir, 'backups'));
      expect(backups.some((file) => file.endsWith('.0001_rebuild_parents.bak'))).toBe(true);
    });

    it('rolls back a migration that breaks foreign keys, the file unchanged', async () => {
      const dir = tempDir();
      const base = cascade();
      const path = await seeded(dir, base);
      const sql =
        'CREATE TABLE `audit` (`id` integer PRIMARY KEY);\n--> statement-breakpoint\nDELETE FROM `parents` WHERE `id` = 1;';
      const orphaning: Migration = {
        idx: 99,
        tag: '0002_drop_parent',
        when: base.at(-1)!.when + 1,
        breakpoints: true,
        sql,
        hash: hashMigration(sql),
      };
      const error = await failure(() =>
        driver.open('pokecode', path, { ...quiet, migrations: [...base, orphaning] }),
      );
      expect(error).toBeInstanceOf(ForeignKeyViolationError);
      const db = await driver.open('pokecode', path, { ...quiet, migrations: base });
      cleanups.push(() => db.close());
      expect(await db.query('SELECT count(*) AS n FROM parents')).toEqual([{ n: 5 }]);
      expect(await db.query("SELECT name FROM sqlite_master WHERE name = 'audit'")).toEqual([]);
    });

    it('refuses a file a newer build migrated, leaving it byte-identical', async () => {
      const dir = tempDir();
      const path = await seeded(dir, cascade());
      const before = sha256(path);
      const error = await failure(() =>
        driver.open('pokecode', path, { ...quiet, migrations: cascadeV1() }),
      );
      expect(error).toBeInstanceOf(NewerDatabaseError);
      expect(sha256(path)).toBe(before);
    });
  });

  defineWorkerContract(t, driver.name, open);

  describe(`${driver.name}: access patterns of the clients`, () => {
    it('runs each database client end to end on this driver', async () => {
      const pokecode = await open('pokecode');
      if (!pokecode.clients) {
        const error = await failure(() => createClient('pokecode', pokecode.target as never));
        expect(error).toBeInstanceOf(TypeError);
        return;
      }
      const pc = createClient('pokecode', pokecode.target as never);
      const session = pc.createSession({ provider: 'claude-code', projectPath: '/r', name: 'n' });
      pc.saveMessage({
        sessionId: session.id,
        provider: 'claude-code',
        type: 'user',
        tokenCount: 3,
      });
      expect(pc.getSession(session.id)).toMatchObject({ messageCount: 1, tokenCount: 3 });
      expect(pc.getSession('missing')).toBeUndefined();
      expect(pc.touchSession(session.id)).toBe(true);
      const device = pc.connectDevice({ deviceId: 'd', deviceName: 'phone' });
      expect(pc.listDevices()).toEqual([device]);

      const engine = createClient('engine', (await open('engine')).target as never);
      const worker = engine.workers.schedule({ primitive: 'p', instructions: 'i' });
      expect(engine.workers.get(worker.id)?.status).toBe('pending');

      const dipeo = createClient('dipeo', (await open('dipeo')).target as never);
      dipeo.saveExecution({
        executionId: 'e1',
        status: 'running',
        startedAt: new Date(Date.UTC(2026, 0, 1)),
        nodeStates: {},
        nodeOutputs: {},
        llmUsage: { input: 0, output: 0 },
        variables: {},
      } as never);
      expect(dipeo.getExecution('e1')?.status).toBe('running');
      expect(dipeo.appendTransition({ executionId: 'e1', phase: 'execution_started' }).seq).toBe(1);
      expect(dipeo.lastSeq('e1')).toBe(1);

      const mcpmaker = createClient('mcpmaker', (await open('mcpmaker')).target as never, {
        secrets: { key: Buffer.alloc(32, 7) },
      });
      mcpmaker.setConfig('theme', 'dark');
      expect(mcpmaker.getConfig('theme')).toBe('dark');
      expect(mcpmaker.deleteConfig('theme')).toBe(true);

      const multishot = createClient('multishot', (await open('multishot')).target as never);
      const run = multishot.createRun('r');
      const round = multishot.startRound(run.id, 'base', ['a', 'b']);
      expect(multishot.listRounds(run.id)).toHaveLength(1);
      expect(multishot.listAgents(round.round.id)).toHaveLength(2);
    });
  });
}
