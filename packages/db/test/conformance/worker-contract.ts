// The worker contract (`startWorker`) of both leased queues, run by the conformance suite on
// every driver: values or promises, the same worker.
import {
  createClient,
  createQueue,
  JobCancelledError,
  LeaseLostError,
  RowValidationError,
  WorkerStoppedError,
  type DatabaseName,
  type OpenMigrateOptions,
  type WorkerEvent,
} from '../../src/index.ts';
import type { Opened, TestApi } from './suite.ts';

type Open = (name: DatabaseName, migrate?: OpenMigrateOptions | false) => Promise<Opened>;

const data = { prompt: 'fix the parser', projectPath: '/repo' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds (checked every 5 ms), or fails naming `what`. */
async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A promise and its resolver, for handlers held open by the test. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** Resolves with the signal's reason once it aborts. */
const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) =>
    signal.aborted
      ? resolve(signal.reason)
      : signal.addEventListener('abort', () => resolve(signal.reason), { once: true }),
  );

export function defineWorkerContract(t: TestApi, driverName: string, open: Open): void {
  const { describe, it, expect } = t;

  async function pokecode() {
    const db = await open('pokecode');
    await db.query(
      `INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at,
        last_accessed_at) VALUES ('s1', 'claude-code', '/repo', 'one', 1, 1, 1)`,
    );
    const jobs = createQueue('pokecode', db.target);
    const enqueue = (promptId: string, maxAttempts?: number) =>
      jobs.enqueue({ sessionId: 's1', promptId, provider: 'claude-code', data, maxAttempts });
    return { db, jobs, enqueue };
  }

  describe(`${driverName}: worker contract`, () => {
    it('drains a queue at its concurrency, each job handled once, completing and claiming together', async () => {
      const { db, jobs, enqueue } = await pokecode();
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) ids.push((await enqueue(`p${i}`)).id);
      const handled: string[] = [];
      let active = 0;
      let most = 0;
      const worker = jobs.startWorker(
        async (job) => {
          most = Math.max(most, ++active);
          await sleep(2);
          handled.push(job.id);
          active--;
        },
        { concurrency: 3, pollMs: 60_000 },
      );
      await until('24 jobs', async () => (await jobs.counts()).completed === 24);
      await worker.stop();
      expect([...handled].sort()).toEqual([...ids].sort());
      expect(most).toBe(3);
      const rows = await db.query('SELECT DISTINCT attempts, lease_token FROM job_queue');
      expect(rows).toEqual([{ attempts: 1, lease_token: null }]);
      const [session] = await db.query('SELECT is_working, last_job_status FROM sessions');
      expect(session).toEqual({ is_working: 0, last_job_status: 'completed' });
    });

    it('commits a completion and the next claim in one transaction', async () => {
      const { db, jobs, enqueue } = await pokecode();
      await enqueue('first');
      await enqueue('poison');
      const first = (await jobs.claim({ worker: 'w' }))!;
      // Claiming the next job fails: the completion before it in the same commit is undone.
      await db.query(
        `CREATE TRIGGER refuse_poison BEFORE UPDATE OF status ON job_queue
         WHEN NEW.status = 'processing' AND NEW.prompt_id = 'poison'
         BEGIN SELECT RAISE(ABORT, 'poisoned claim'); END`,
      );
      let error: unknown;
      try {
        await jobs.completeAndClaim(first, { worker: 'w' });
      } catch (caught) {
        error = caught;
      }
      expect(String(error)).toMatch(/poisoned claim/);
      expect(await jobs.get(first.id)).toMatchObject({
        status: 'processing',
        leaseToken: first.leaseToken,
      });
      await db.query('DROP TRIGGER refuse_poison');
      const next = await jobs.completeAndClaim(first, { worker: 'w' });
      expect(next?.promptId).toBe('poison');
      expect((await jobs.get(first.id))?.status).toBe('completed');
    });

    it('stores progress on the held job and clears it at the next claim', async () => {
      const { db, jobs, enqueue } = await pokecode();
      const job = await enqueue('p', 2);
      const reported = gate();
      const worker = jobs.startWorker(
        async (_job, { progress }) => {
          await progress(0.25);
          await progress(42.5);
          reported.open();
          throw new Error('try again');
        },
        { pollMs: 60_000 },
      );
      await reported.opened;
      await until('the failure', async () => (await jobs.get(job.id))?.status === 'pending');
      await worker.stop();
      expect((await jobs.get(job.id))?.progress).toBe(42.5);
      await db.query('UPDATE job_queue SET next_retry_at = NULL');
      const again = (await jobs.claim({ worker: 'w' }))!;
      expect(again.progress).toBeNull();
      let refused: unknown;
      try {
        await jobs.progress(again, Number.NaN);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(RowValidationError);
      await jobs.complete(again);
      try {
        await jobs.progress(again, 1);
        refused = undefined;
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(LeaseLostError);
    });

    it('fails a job whose handler throws, with its error, and goes on with the next', async () => {
      const { jobs, enqueue } = await pokecode();
      const bad = await enqueue('bad', 1);
      const good = await enqueue('good');
      const worker = jobs.startWorker(
        (job) => {
          if (job.promptId === 'bad') throw new TypeError('the provider answered 500');
        },
        { pollMs: 60_000, onEvent: () => {} },
      );
      await until('both jobs', async () => {
        const counts = await jobs.counts();
        return counts.failed + counts.completed === 2;
      });
      await worker.stop();
      expect((await jobs.get(bad.id))?.status).toBe('failed');
      expect((await jobs.get(bad.id))?.error).toMatch(/^TypeError: the provider answered 500/);
      expect((await jobs.get(good.id))?.status).toBe('completed');
    });

    it("reaches a cancelled job's signal at once when this process cancels it", async () => {
      const { jobs, enqueue } = await pokecode();
      const job = await enqueue('p');
      let reason: Promise<unknown> | undefined;
      // Heartbeats are minutes apart: only the cancellation itself can abort the handler.
      const worker = jobs.startWorker(
        async (_job, { signal }) => {
          reason = aborted(signal);
          await reason;
        },
        { pollMs: 60_000, leaseMs: 600_000, heartbeatMs: 300_000, onEvent: () => {} },
      );
      await until('the job running', () => reason !== undefined);
      expect(await jobs.cancelSession('s1')).toBe(1);
      expect(await reason).toBeInstanceOf(JobCancelledError);
      await worker.stop();
      expect((await jobs.get(job.id))?.status).toBe('cancelled');
    });

    it('reaches a job cancelled by another writer within one heartbeat', async () => {
      const { db, jobs, enqueue } = await pokecode();
      await db.query(
        `INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at,
          last_accessed_at) VALUES ('s2', 'claude-code', '/repo', 'two', 1, 1, 1)`,
      );
      const witness = await enqueue('witness');
      const target = await jobs.enqueue({
        sessionId: 's2',
        promptId: 'cancelled elsewhere',
        provider: 'claude-code',
        data,
      });
      const events: Array<WorkerEvent<{ id: string }>> = [];
      const reasons = new Map<string, Promise<unknown>>();
      const worker = jobs.startWorker(
        async (job, { signal }) => {
          const reason = aborted(signal);
          reasons.set(job.id, reason);
          await reason;
        },
        {
          concurrency: 2,
          pollMs: 60_000,
          leaseMs: 3_000,
          heartbeatMs: 150,
          graceMs: 0,
          onEvent: (e) => events.push(e),
        },
      );
      await until('a heartbeat of both', () =>
        [witness.id, target.id].every((id) =>
          events.some((e) => e.type === 'heartbeat' && e.job.id === id),
        ),
      );
      // As the original tool cancels: SQL on its own connection, nothing told to this process.
      await db.query(
        "UPDATE job_queue SET status = 'cancelled', lease_owner = NULL, lease_token = NULL WHERE id = ?",
        [target.id],
      );
      const mark = events.length;
      expect(await reasons.get(target.id)).toBeInstanceOf(JobCancelledError);
      // Each tick heartbeats every running job: the witness had at most the tick that found the
      // cancel (and one already under way when it committed), never a heartbeat per tick waited.
      const between = events.slice(mark);
      const abortAt = between.findIndex((e) => e.type === 'abort');
      const witnessBeats = between
        .slice(0, abortAt)
        .filter((e) => e.type === 'heartbeat' && e.job.id === witness.id);
      expect(witnessBeats.length <= 2).toBe(true);
      await worker.stop();
      expect((await jobs.get(witness.id))?.status).toBe('pending');
    });

    it('aborts a handler whose lease another worker took, and leaves that claim alone', async () => {
      const { db, jobs, enqueue } = await pokecode();
      const job = await enqueue('p');
      let reason: Promise<unknown> | undefined;
      const worker = jobs.startWorker(
        async (_job, { signal }) => {
          reason = aborted(signal);
          await reason;
        },
        { pollMs: 60_000, leaseMs: 2_000, heartbeatMs: 100, onEvent: () => {} },
      );
      await until('the job running', () => reason !== undefined);
      await db.query("UPDATE job_queue SET lease_token = 'another worker' WHERE id = ?", [job.id]);
      expect(await reason).toBeInstanceOf(LeaseLostError);
      await worker.stop();
      expect(await jobs.get(job.id)).toMatchObject({
        status: 'processing',
        leaseToken: 'another worker',
      });
    });

    it('stops gracefully: no new claims, finished jobs completed, late ones released', async () => {
      const { db, jobs, enqueue } = await pokecode();
      const quick = await enqueue('quick');
      const slow = await enqueue('slow');
      const queued = await enqueue('queued');
      const quickGate = gate();
      const started = new Set<string>();
      let slowReason: Promise<unknown> | undefined;
      const worker = jobs.startWorker(
        async (job, { signal }) => {
          started.add(job.id);
          if (job.id === quick.id) return quickGate.opened;
          slowReason = aborted(signal);
          await slowReason; // ignores nothing: ends only when told to
        },
        { concurrency: 2, pollMs: 60_000, onEvent: () => {} },
      );
      await until('two jobs running', () => started.size === 2);
      const stopping = worker.stop({ graceMs: 400 });
      quickGate.open();
      await stopping;
      expect(await slowReason).toBeInstanceOf(WorkerStoppedError);
      expect(started.has(queued.id)).toBe(false);
      expect((await jobs.get(quick.id))?.status).toBe('completed');
      // Released as if never claimed: pending, no lease, its attempt given back.
      expect(await jobs.get(slow.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        leaseToken: null,
        leaseOwner: null,
        startedAt: null,
      });
      expect((await jobs.get(queued.id))?.status).toBe('pending');
      const [{ n }] = (await db.query('SELECT count(*) AS n FROM job_queue')) as [{ n: number }];
      expect(n).toBe(3);
    });

    it('wakes on an enqueue in this process instead of polling', async () => {
      const { jobs, enqueue } = await pokecode();
      const claims: number[] = [];
      const handled: string[] = [];
      const worker = jobs.startWorker((job) => void handled.push(job.id), {
        pollMs: 600_000,
        onEvent: (e) => {
          if (e.type === 'claim') claims.push(e.count);
        },
      });
      await sleep(300);
      // Idle: one look at an empty queue, then sleep until told (the poll is ten minutes off).
      expect(claims).toEqual([0]);
      const job = await enqueue('p');
      await until('the job', () => handled.length === 1);
      await worker.stop();
      expect(handled).toEqual([job.id]);
    });

    it('wakes on a dead letter retried in this process', async () => {
      const { db, jobs, enqueue } = await pokecode();
      const claims: number[] = [];
      const handled: string[] = [];
      let attempt = 0;
      const worker = jobs.startWorker(
        (job) => {
          if (attempt++ === 0) throw new Error('first attempt fails');
          handled.push(job.id);
        },
        {
          pollMs: 600_000,
          onEvent: (e) => {
            if (e.type === 'claim') claims.push(e.count);
          },
        },
      );
      const job = await enqueue('p', 1);
      const deadLetters = createClient('pokecode', db.target).deadLetters;
      await until('the dead letter', async () => (await deadLetters.count()) === 1);
      await sleep(300);
      const claimsBefore = claims.length;
      await deadLetters.retry(job.id);
      await until('the retried job', () => handled.length === 1);
      await worker.stop();
      expect(handled).toEqual([job.id]);
      // Woken by the retry: a claim that found the job, with the poll still minutes away.
      expect(claims.slice(claimsBefore).includes(1)).toBe(true);
    });

    it('runs the engine workers queue the same way', async () => {
      const db = await open('engine');
      const workers = createQueue('engine', db.target);
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        ids.push((await workers.schedule({ primitive: 'research', instructions: `t${i}` })).id);
      }
      const hang = await workers.schedule({
        primitive: 'research',
        instructions: 'hang',
        priority: -1,
      });
      const handled: string[] = [];
      let hangReason: Promise<unknown> | undefined;
      const worker = workers.startWorker(
        async (job, { signal, progress }) => {
          if (job.id === hang.id) {
            hangReason = aborted(signal);
            return hangReason;
          }
          await progress(1);
          handled.push(job.id);
        },
        { concurrency: 2, pollMs: 60_000, onEvent: () => {} },
      );
      await until('the hanging worker', () => hangReason !== undefined);
      expect(await workers.cancel(hang.id)).toBe(true);
      expect(await hangReason).toBeInstanceOf(JobCancelledError);
      await until('ten workers', async () => (await workers.counts()).complete === 10);
      await worker.stop();
      expect([...handled].sort()).toEqual([...ids].sort());
      expect((await workers.get(ids[0]!))?.progress).toBe(1);
      expect((await workers.get(hang.id))?.status).toBe('cancelled');
    });
  });
}
