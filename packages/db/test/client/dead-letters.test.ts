import { describe, expect, it } from 'vitest';
import { createClient, NotFoundError, StateError } from '../../src/index.ts';
import { fakeClock, freshDatabase } from './helpers.ts';

const worker = { worker: 'w1' };

describe('pokecode dead letters', () => {
  async function setup() {
    const handle = await freshDatabase('pokecode', 'file');
    const clock = fakeClock();
    const client = createClient('pokecode', handle, { clock });
    const session = client.createSession({ provider: 'claude-code', projectPath: '/r', name: 'r' });
    const other = client.createSession({ provider: 'codex-cli', projectPath: '/o', name: 'o' });
    /** A job that ran out of attempts, each failing with `error #n`. */
    const failJob = (sessionId: string, prompt: string) => {
      const job = client.jobs.enqueue({
        sessionId,
        promptId: prompt,
        provider: 'claude-code',
        data: { prompt, projectPath: '/r' },
        maxAttempts: 2,
      });
      for (let attempt = 1; ; attempt++) {
        clock.advance(60 * 60_000); // past any backoff
        const claimed = client.jobs.claim(worker)!;
        expect(claimed.id).toBe(job.id);
        if (client.jobs.fail(claimed, `${prompt}: error #${attempt}`).status === 'failed') break;
      }
      return job;
    };
    return { handle, clock, client, session, other, failJob };
  }

  it('lists failed jobs, newest failure first, with their last error', async () => {
    const { client, session, other, failJob } = await setup();
    const first = failJob(session.id, 'build');
    const second = failJob(other.id, 'deploy');
    client.jobs.enqueue({
      sessionId: session.id,
      promptId: 'pending',
      provider: 'claude-code',
      data: { prompt: 'x', projectPath: '/r' },
    });
    const letters = client.deadLetters.list();
    expect(letters.map((l) => [l.job.id, l.error, l.attempts])).toEqual([
      [second.id, 'deploy: error #2', 2],
      [first.id, 'build: error #2', 2],
    ]);
    expect(letters[0]!.failedAt!.getTime()).toBeGreaterThan(letters[1]!.failedAt!.getTime());
    expect(client.deadLetters.list({ sessionId: session.id }).map((l) => l.job.id)).toEqual([
      first.id,
    ]);
    expect(client.deadLetters.list({ limit: 1, offset: 1 }).map((l) => l.job.id)).toEqual([
      first.id,
    ]);
    expect(client.deadLetters.count()).toBe(2);
    expect(() => client.deadLetters.list({ limit: 0 })).toThrow(
      'limit: expected an integer from 1 to 1000, got 0',
    );
  });

  it('retries one: pending again with fresh attempts, claimable, and runs to completion', async () => {
    const { client, session, failJob } = await setup();
    const job = failJob(session.id, 'build');
    const retried = client.deadLetters.retry(job.id);
    expect(retried).toMatchObject({
      id: job.id,
      status: 'pending',
      attempts: 0,
      nextRetryAt: null,
      completedAt: null,
      leaseToken: null,
      error: 'build: error #2',
    });
    expect(client.deadLetters.list()).toEqual([]);
    const claimed = client.jobs.claim(worker)!;
    expect(claimed).toMatchObject({ id: job.id, attempts: 1 });
    client.jobs.complete(claimed);
    expect(client.jobs.get(job.id)!.status).toBe('completed');
    // Only a failed job is retried.
    expect(() => client.deadLetters.retry(job.id)).toThrow(
      new StateError('job_queue', job.id, 'completed', 'retry it (only a failed job is retried)'),
    );
    expect(() => client.deadLetters.retry('nope')).toThrow(NotFoundError);
  });

  it('retries all, or all of one session, in one transaction', async () => {
    const { client, session, other, failJob, handle } = await setup();
    failJob(session.id, 'a');
    failJob(session.id, 'b');
    const third = failJob(other.id, 'c');
    expect(client.deadLetters.retryAll({ sessionId: session.id })).toBe(2);
    expect(client.deadLetters.list().map((l) => l.job.id)).toEqual([third.id]);
    expect(client.deadLetters.retryAll()).toBe(1);
    expect(client.deadLetters.retryAll()).toBe(0);
    expect(client.jobs.counts()).toMatchObject({ pending: 3, failed: 0 });
    // A job the original tool failed (no lease columns written) is retried the same way.
    handle.sqlite
      .prepare(
        `INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, attempts, max_attempts, created_at, completed_at, error)
         VALUES ('legacy', ?, 'p', 'claude-code', 'failed', '{"prompt":"x","projectPath":"/r"}', 3, 3, 1757300000, 1757300100, 'spawn claude ENOENT')`,
      )
      .run(session.id);
    expect(client.deadLetters.list()).toMatchObject([
      { error: 'spawn claude ENOENT', attempts: 3, failedAt: new Date(1757300100 * 1000) },
    ]);
    expect(client.deadLetters.retry('legacy')).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

describe('engine dead letters', () => {
  it('lists failed workers with their last error and retries them', async () => {
    const handle = await freshDatabase('engine', 'file');
    const clock = fakeClock();
    const engine = createClient('engine', handle, { clock });
    const research = engine.workers.schedule({
      primitive: 'research',
      instructions: 'find the lease terms',
      maxRetries: 0,
    });
    engine.workers.schedule({
      primitive: 'organize',
      instructions: 'sort the inbox',
      maxRetries: 0,
    });
    const claimed = engine.workers.claim(worker)!;
    expect(claimed.id).toBe(research.id);
    expect(engine.workers.fail(claimed, 'rate limited by the search API')).toEqual({
      status: 'failed',
    });
    clock.advance(1000);
    const organize = engine.workers.claim(worker)!;
    engine.workers.fail(organize, 'mailbox locked');
    expect(engine.deadLetters.list().map((l) => [l.job.primitive, l.error, l.attempts])).toEqual([
      ['organize', 'mailbox locked', 1],
      ['research', 'rate limited by the search API', 1],
    ]);
    expect(engine.deadLetters.list({ primitive: 'research' })).toHaveLength(1);
    clock.advance(5000);
    const retried = engine.deadLetters.retry(research.id);
    expect(retried).toMatchObject({ status: 'pending', retryCount: 0, completedAt: null });
    expect(retried.updatedAt.getTime()).toBe(clock());
    expect(engine.workers.claim(worker)!.id).toBe(research.id);
    expect(engine.deadLetters.retryAll()).toBe(1);
    expect(engine.workers.counts()).toMatchObject({ failed: 0, pending: 1, running: 1 });
  });
});
