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
  createTablesClient,
  ForeignKeyViolationError,
  LeaseLostError,
  loadMigrations,
  NewerDatabaseError,
  NotFoundError,
  RowValidationError,
  SearchQueryError,
  StateError,
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
  query(sql: string, args?: unknown[]): Promise<Row[]>;
  close(): void;
}

export interface DriverUnderTest {
  name: string;
  /** Opens (and, unless told not to, migrates) database `name` in the file at `path`. */
  open(name: DatabaseName, path: string, migrate?: OpenMigrateOptions | false): Promise<Opened>;
  /** True when each test may have a file of its own (not a shared server). */
  files: boolean;
  /** `sync`: operations return values (better-sqlite3, bun:sqlite); `async`: promises (libSQL). */
  mode: 'sync' | 'async';
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
    const key = { key: Buffer.alloc(32, 7) };
    /** Whether `value` is what this driver's operations return: a value, or a promise of one. */
    const returned = <T>(value: T): T => {
      expect(value instanceof Promise).toBe(driver.mode === 'async');
      return value;
    };
    async function rejection(fn: () => unknown) {
      const error = await failure(fn);
      expect(error).toBeInstanceOf(RowValidationError);
      return (error as RowValidationError).issues.map(({ column, message }) => ({
        column,
        message,
      }));
    }

    it('pokecode: a session, its messages appended and resumed, devices, search', async () => {
      const db = await open('pokecode');
      const clock = fakeClock();
      const pc = createClient('pokecode', db.target, { clock });
      const session = await returned(
        pc.createSession({ provider: 'claude-code', projectPath: '/r', name: 'n' }),
      );
      expect(await pc.getSession('missing')).toBeUndefined();
      const texts = ['{"text":"parse the config"}', '{"text":"fixed the lexer"}', null];
      for (const [i, contentData] of texts.entries()) {
        clock.advance(i === 1 ? 0 : 1_000); // two in one second: the append order still holds
        const message = await pc.saveMessage({
          sessionId: session.id,
          provider: 'claude-code',
          type: i === 0 ? 'user' : 'assistant',
          contentData,
          tokenCount: 3,
        });
        expect(message.sessionId).toBe(session.id);
      }
      const resumed = await pc.listMessages(session.id);
      expect(resumed.map((m) => m.contentData)).toEqual(texts);
      expect(await pc.getSession(session.id)).toMatchObject({
        messageCount: 3,
        tokenCount: 9,
        lastMessageSentAt: resumed[2]!.createdAt,
      });
      expect(await pc.touchSession(session.id)).toBe(true);
      expect(await pc.touchSession('missing')).toBe(false);
      const [hit] = await pc.searchMessages('lexer', { sessionId: session.id });
      expect(hit?.row.id).toBe(resumed[1]!.id);
      expect(hit?.snippet).toMatch(/<mark>lexer<\/mark>/);
      expect(await failure(() => pc.searchMessages('"unclosed'))).toBeInstanceOf(SearchQueryError);
      await pc.connectDevice({ deviceId: 'd', deviceName: 'phone' });
      clock.advance(1_000);
      const again = await pc.connectDevice({ deviceId: 'd', deviceName: 'tablet' });
      expect(await pc.listDevices()).toEqual([again]);
      expect(again.deviceName).toBe('tablet');
    });

    it('pokecode: constraint errors name the column; nothing is written', async () => {
      const db = await open('pokecode');
      const pc = createClient('pokecode', db.target);
      const session = await pc.createSession({
        id: 's-1',
        provider: 'claude-code',
        projectPath: '/r',
        name: 'n',
      });
      const orphan = { sessionId: 'nobody', provider: 'claude-code', type: 'user' } as const;
      expect(await rejection(() => pc.saveMessage(orphan))).toEqual([
        { column: 'session_id', message: 'no sessions row has id "nobody"' },
      ]);
      expect(
        await rejection(() =>
          pc.createSession({ id: 's-1', provider: 'claude-code', projectPath: '/r', name: 'x' }),
        ),
      ).toEqual([{ column: 'id', message: '"s-1" is already taken' }]);
      const job = { sessionId: session.id, promptId: 'p', provider: 'claude-code', data } as const;
      await pc.jobs.enqueue({ ...job, id: 'j-1' });
      expect(await rejection(() => pc.jobs.enqueue({ ...job, id: 'j-1' }))).toEqual([
        { column: 'id', message: '"j-1" is already taken' },
      ]);
      expect(await db.query('SELECT count(*) AS n FROM session_messages')).toEqual([{ n: 0 }]);
      expect(await db.query('SELECT name FROM sessions')).toEqual([{ name: 'n' }]);
    });

    it('pokecode: dead letters are listed, counted and retried', async () => {
      const db = await open('pokecode');
      const pc = createClient('pokecode', db.target);
      const session = await pc.createSession({
        provider: 'claude-code',
        projectPath: '/r',
        name: 'n',
      });
      const job = await pc.jobs.enqueue({
        sessionId: session.id,
        promptId: 'p',
        provider: 'claude-code',
        data,
        maxAttempts: 1,
      });
      const claimed = (await pc.jobs.claim({ worker: 'w' }))!;
      expect(await pc.jobs.fail(claimed, 'boom')).toEqual({ status: 'failed' });
      expect(await pc.deadLetters.count({ sessionId: session.id })).toBe(1);
      const [letter] = await pc.deadLetters.list();
      expect(letter).toMatchObject({ error: 'boom', attempts: 1 });
      expect((await pc.deadLetters.retry(job.id)).status).toBe('pending');
      expect(await failure(() => pc.deadLetters.retry(job.id))).toBeInstanceOf(StateError);
      expect(await pc.deadLetters.retryAll()).toBe(0);
    });

    it('dipeo: executions saved and loaded, transitions and messages appended', async () => {
      const db = await open('dipeo');
      const clock = fakeClock();
      const dipeo = createClient('dipeo', db.target, { clock, timeZone: 'Asia/Seoul' });
      const execution = {
        executionId: 'e1',
        status: 'running',
        diagramId: 'd1',
        startedAt: new Date(clock()),
        nodeStates: {},
        nodeOutputs: {},
        llmUsage: { input: 1, output: 2 },
        variables: { topic: 'x' },
      } as const;
      await returned(dipeo.saveExecution(execution));
      await dipeo.saveExecution({ ...execution, status: 'completed', endedAt: new Date(clock()) });
      expect(await dipeo.getExecution('e1')).toMatchObject({ status: 'completed', accessCount: 0 });
      expect(await dipeo.loadExecution('e1')).toMatchObject({ accessCount: 1 });
      expect(await dipeo.getExecution('missing')).toBeUndefined();
      expect((await dipeo.listExecutions({ diagramId: 'd1' })).map((e) => e.executionId)).toEqual([
        'e1',
      ]);
      expect(await dipeo.warmCache()).toEqual([]);
      const first = await dipeo.appendTransition({ executionId: 'e1', phase: 'execution_started' });
      const second = await dipeo.appendTransition({ executionId: 'e1', phase: 'node_started' });
      expect([first.seq, second.seq]).toEqual([1, 2]);
      const replayed = { executionId: 'e1', phase: 'node_started', seq: 2 } as const;
      expect(await dipeo.appendTransition(replayed)).toMatchObject({ seq: 2, stored: false });
      expect((await dipeo.listTransitions('e1', 1)).map((t) => t.seq)).toEqual([2]);
      expect(await dipeo.lastSeq('e1')).toBe(2);
      const message = await dipeo.appendMessage({
        executionId: 'e1',
        nodeId: 'n1',
        personId: 'p1',
        content: { role: 'assistant', content: 'the parser is fixed' },
      });
      expect((await dipeo.listMessages('e1', 'p1')).map((m) => m.id)).toEqual([message.id]);
      expect((await dipeo.searchMessages('parser'))[0]?.row.id).toBe(message.id);
      clock.advance(8 * 86_400_000);
      expect(await dipeo.cleanup()).toEqual({ executions: 1, transitions: 2, messages: 1 });
    });

    it('mcpmaker: sessions recorded under their workflow, config secrets, playback logs', async () => {
      const db = await open('mcpmaker');
      const clock = fakeClock();
      const mcp = createClient('mcpmaker', db.target, { clock, secrets: key });
      const recorded = {
        workflowName: 'checkout',
        url: 'https://shop.example.com/cart',
        startedAt: new Date(clock()),
        endedAt: new Date(clock() + 1_000),
      };
      const { workflow } = await returned(mcp.recordSession(recorded));
      clock.advance(5_000);
      const second = await mcp.recordSession({
        ...recorded,
        startedAt: new Date(clock()),
        endedAt: new Date(clock() + 1_000),
      });
      expect(second.workflow.id).toBe(workflow.id);
      expect(workflow.sitePattern).toBe('shop.example.com');
      const listed = await mcp.listWorkflowSessions(workflow.id);
      expect(listed.map((s) => s.id)[0]).toBe(second.session.id);
      expect(listed).toHaveLength(2);
      expect(await mcp.getSession(second.session.id)).toEqual(second.session);
      const renamed = await mcp.updateWorkflow(workflow.id, { name: 'pay' });
      expect((await mcp.listWorkflows()).map((w) => w.name)).toEqual([renamed.name]);
      expect(await failure(() => mcp.updateWorkflow('missing', { name: 'x' }))).toBeInstanceOf(
        NotFoundError,
      );
      await mcp.setConfig('anthropic_api_key', 'sk-secret');
      expect(await mcp.getConfig('anthropic_api_key')).toBe('sk-secret');
      const [stored] = await db.query('SELECT value FROM config');
      expect(String(stored!.value)).not.toMatch(/sk-secret/);
      expect(await mcp.sealPlaintextSecrets()).toBe(0);
      expect(await mcp.deleteConfig('anthropic_api_key')).toBe(true);
      expect(await mcp.deleteConfig('anthropic_api_key')).toBe(false);
      const log = await mcp.appendPlaybackLog({
        workflowId: workflow.id,
        sitePattern: 'shop.example.com',
        timestamp: new Date(clock()),
        data: {},
        outcome: 'completed',
        insights: 'the coupon field reloads the page',
      });
      expect(await mcp.listPlaybackLogs(workflow.id)).toEqual([log]);
      expect(await mcp.siteInsights('shop.example.com')).toEqual([log]);
      expect((await mcp.searchInsights('coupon'))[0]?.row.id).toBe(log.id);
      expect(await mcp.deleteWorkflow(workflow.id)).toEqual({ workflow: true, sessions: 2 });
      expect(await mcp.getWorkflow(workflow.id)).toBeUndefined();
    });

    it('multishot: rounds of agents, a winner picked atomically, logs, credentials', async () => {
      const db = await open('multishot');
      const clock = fakeClock();
      const ms = createClient('multishot', db.target, { clock, secrets: key });
      const run = await returned(ms.createRun('landing'));
      const { round, agents } = await ms.startRound(run.id, 'build it', ['a', 'b']);
      expect((await ms.getRun(run.id))?.currentRoundId).toBe(round.id);
      expect(await failure(() => ms.startRound('missing', 'x', ['a']))).toBeInstanceOf(
        NotFoundError,
      );
      await ms.setAgentStatus(agents[0]!.id, 'completed', { sandboxId: 'sb' });
      await ms.selectWinner(round.id, agents[0]!.id, '/w');
      await ms.setAgentStatus(agents[1]!.id, 'completed');
      const moved = await ms.selectWinner(round.id, agents[1]!.id);
      expect(moved.winnerAgentId).toBe(agents[1]!.id);
      expect((await ms.listAgents(round.id)).map((a) => a.status)).toEqual([
        'completed',
        'selected',
      ]);
      expect(await ms.listRounds(run.id)).toEqual([moved]);
      await ms.appendOutputLog(agents[0]!.id, 'compiled the landing page');
      expect((await ms.listOutputLogs(agents[0]!.id)).map((l) => l.content)).toEqual([
        'compiled the landing page',
      ]);
      expect((await ms.searchOutputLogs('landing'))[0]?.row.agentId).toBe(agents[0]!.id);
      expect(await rejection(() => ms.appendOutputLog('nobody', 'x'))).toEqual([
        { column: 'agent_id', message: 'no agents row has id "nobody"' },
      ]);
      await ms.setCredential('github_token', 'ghp_x');
      expect(await ms.getCredential('github_token')).toBe('ghp_x');
      expect(await ms.deleteCredential('github_token')).toBe(true);
      expect(await ms.completeRun(run.id)).toBe(true);
      expect((await ms.listRuns()).map((r) => r.status)).toEqual(['completed']);
    });

    it('engine: sessions, missions claimed once, pings, priorities, contacts, staging', async () => {
      const db = await open('engine');
      const clock = fakeClock();
      const engine = createClient('engine', db.target, { clock, timeZone: 'UTC' });
      const session = await returned(engine.createSession({ role: 'chief' }));
      expect(await engine.setSessionState(session.id, 'tool_active', 'on it')).toBe(true);
      expect(await engine.raiseContextWarning(session.id, 50)).toBe(true);
      expect(await engine.raiseContextWarning(session.id, 40)).toBe(false);
      expect((await engine.activeSessions()).map((s) => s.id)).toEqual([session.id]);
      expect(await engine.endSession(session.id, 'done')).toBe(true);
      expect(await engine.endSession(session.id, 'done')).toBe(false);
      expect((await engine.getSession(session.id))?.endReason).toBe('done');

      const mission = await engine.createScheduledMission({
        name: 'Morning',
        slug: 'morning',
        prompt: 'do it',
        scheduleType: 'time',
        scheduleTime: '07:00',
        nextRun: new Date(clock() - 1_000),
      });
      const claim = (await engine.claimDueMission())!;
      expect(claim.mission.id).toBe(mission.id);
      expect(await engine.claimDueMission()).toBeUndefined();
      clock.advance(90_000);
      const finished = await engine.finishMissionRun(claim.run.id, 'completed');
      expect(finished.durationSeconds).toBe(90);
      expect(await failure(() => engine.finishMissionRun(claim.run.id, 'failed'))).toBeInstanceOf(
        StateError,
      );
      expect((await engine.getScheduledMission(mission.id))?.lastStatus).toBe('completed');
      expect((await engine.missionRuns(mission.id)).map((r) => r.status)).toEqual(['completed']);

      const ping = await engine.createPing(session.id, 'look');
      expect((await engine.unreadPings()).map((p) => p.id)).toEqual([ping.id]);
      expect(await engine.acknowledgePing(ping.id)).toBe(true);
      expect(await engine.unreadPings()).toEqual([]);
      const a = await engine.addPriority({ content: 'a', level: 'high' });
      const b = await engine.addPriority({ content: 'b', level: 'high' });
      expect([a.position, b.position]).toEqual([0, 1]);
      expect(await engine.completePriority(a.id)).toBe(true);
      expect((await engine.listPriorities(null)).map((p) => p.content)).toEqual(['a', 'b']);
      const contact = await engine.addContact({ name: 'Ada' }, ['vip', 'friend']);
      expect(contact.tags).toEqual(['friend', 'vip']);
      expect((await engine.getContact(contact.id))?.tags).toEqual(['friend', 'vip']);
      expect((await engine.contactsByTag('vip')).map((c) => c.name)).toEqual(['Ada']);
      const notice = { conversationId: 'c', notificationType: 'ping', entityId: ping.id };
      expect(await engine.notify(notice)).toBe(true);
      expect(await engine.notify(notice)).toBe(false);
      expect(await engine.wasNotified('c', 'ping', ping.id)).toBe(true);
      clock.advance(2 * 86_400_000);
      expect(await engine.pruneNotifications(1)).toBe(1);
      const staged = await engine.stage({ title: 'Report', content: 'the quarterly numbers' });
      expect((await engine.visibleStaged()).map((item) => item.id)).toEqual([staged.id]);
      expect((await engine.searchStagedContent('quarterly'))[0]?.row.id).toBe(staged.id);
      expect(await engine.setStagedStatus(staged.id, 'dismissed')).toBe(true);
      expect(await engine.visibleStaged()).toEqual([]);
      const worker = await engine.workers.schedule({ primitive: 'p', instructions: 'i' });
      expect((await engine.workers.get(worker.id))?.status).toBe('pending');
      expect(await engine.deadLetters.count()).toBe(0);
    });

    it('tables client: insert, get, list, update, delete, count; typed constraint errors', async () => {
      const db = await open('pokecode');
      const clock = fakeClock();
      const tables = createTablesClient('pokecode', db.target, { clock });
      const device = {
        deviceId: 'd1',
        deviceName: 'phone',
        createdAt: new Date(clock()),
        updatedAt: new Date(clock()),
        lastConnectedAt: new Date(clock()),
      };
      const stored = await returned(tables.devices.insert(device));
      expect(stored).toMatchObject({ deviceId: 'd1', platform: null });
      expect(await tables.devices.get({ deviceId: 'd1' })).toEqual(stored);
      expect(await tables.devices.get({ deviceId: 'missing' })).toBeUndefined();
      await tables.devices.insert({ ...device, deviceId: 'd2', deviceName: 'laptop' });
      expect(
        (await tables.devices.list({ orderBy: 'deviceName' })).map((d) => d.deviceName),
      ).toEqual(['laptop', 'phone']);
      expect((await tables.devices.update({ deviceId: 'd1' }, { platform: 'ios' })).platform).toBe(
        'ios',
      );
      expect(await tables.devices.count({ platform: 'ios' })).toBe(1);
      expect(await tables.devices.delete({ deviceId: 'd2' })).toBe(true);
      expect(await tables.devices.delete({ deviceId: 'd2' })).toBe(false);
      expect(
        await failure(() => tables.devices.update({ deviceId: 'd2' }, { platform: 'x' })),
      ).toBeInstanceOf(NotFoundError);
      expect(await rejection(() => tables.devices.insert(device))).toEqual([
        { column: 'device_id', message: '"d1" is already taken' },
      ]);
      const message = {
        id: 'm1',
        sessionId: 'nobody',
        provider: 'claude-code',
        type: 'user',
        tokenCount: null,
        createdAt: new Date(clock()),
      } as const;
      expect(await rejection(() => tables.session_messages.insert(message))).toEqual([
        { column: 'session_id', message: 'no sessions row has id "nobody"' },
      ]);
    });
  });
}
