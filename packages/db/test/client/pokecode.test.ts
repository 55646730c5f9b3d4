import { describe, expect, it } from 'vitest';
import { createPokecodeClient, LeaseLostError, RowValidationError } from '../../src/index.ts';
import { pokecodeSql } from '../../src/client/pokecode/statements.ts';
import { LEGACY_CLAIM_MS, RECOVERY_INTERVAL_MS } from '../../src/client/shared/lease.ts';
import { fakeClock, freshDatabase, storageKinds } from './helpers.ts';

const data = { prompt: 'fix the bug', projectPath: '/repo' };

describe.each(storageKinds)('pokecode client (%s)', (kind) => {
  async function setup() {
    const handle = await freshDatabase('pokecode', kind);
    const clock = fakeClock();
    const client = createPokecodeClient(handle, { clock, backoff: { random: () => 0.5 } });
    const session = client.createSession({
      provider: 'claude-code',
      projectPath: '/repo',
      name: 's',
    });
    const enqueue = (promptId: string) =>
      client.jobs.enqueue({ sessionId: session.id, promptId, provider: 'claude-code', data });
    return { handle, clock, client, session, enqueue };
  }

  it('saves a message and bumps the session counters in one transaction', async () => {
    const { client, session, clock } = await setup();
    clock.advance(5_000);
    const message = client.saveMessage({
      sessionId: session.id,
      provider: 'claude-code',
      type: 'assistant',
      contentData: '{"text":"hi"}',
      tokenCount: 12,
    });
    client.saveMessage({ sessionId: session.id, provider: 'claude-code', type: 'user' });
    const after = client.getSession(session.id)!;
    expect(after.messageCount).toBe(2);
    expect(after.tokenCount).toBe(12);
    expect(after.lastMessageSentAt).toEqual(new Date(Math.floor(clock() / 1000) * 1000));
    expect(message.id).toMatch(/^[a-z][0-9a-z]{23}$/);
    expect(client.listMessages(session.id).map((m) => m.type)).toEqual(['assistant', 'user']);
    expect(client.listMessages(session.id)[0]).toEqual(message);
  });

  it('stores timestamps as Unix seconds', async () => {
    const { session, handle, clock } = await setup();
    const stored = handle.sqlite
      .prepare('SELECT created_at FROM sessions WHERE id = ?')
      .pluck()
      .get(session.id);
    expect(stored).toBe(Math.floor(clock() / 1000));
  });

  it('rejects a bad message with a typed error and writes nothing', async () => {
    const { client, session } = await setup();
    expect(() =>
      client.saveMessage({
        sessionId: session.id,
        provider: 'claude-code',
        type: 'bogus' as 'user',
      }),
    ).toThrow(/session_messages\.type/);
    expect(() =>
      client.saveMessage({
        sessionId: session.id,
        provider: 'claude-code',
        type: 'user',
        tokenCount: -1,
      }),
    ).toThrow(RowValidationError);
    expect(() =>
      client.saveMessage({ sessionId: 'missing', provider: 'claude-code', type: 'user' }),
    ).toThrow('session_messages.session_id: no sessions row has id "missing"');
    expect(client.listMessages(session.id)).toEqual([]);
    expect(client.getSession(session.id)!.messageCount).toBe(0);
  });

  it('runs the job lifecycle: enqueue, claim, complete, with the session marked', async () => {
    const { client, session } = await setup();
    const job = client.jobs.enqueue({
      sessionId: session.id,
      promptId: 'p1',
      provider: 'claude-code',
      data,
    });
    expect(client.getSession(session.id)).toMatchObject({ isWorking: true, currentJobId: job.id });
    const claimed = client.jobs.claim({ worker: 'w1' })!;
    expect(claimed).toMatchObject({
      id: job.id,
      status: 'processing',
      attempts: 1,
      leaseOwner: 'w1',
    });
    expect(client.jobs.claim({ worker: 'w2' })).toBeUndefined();
    client.jobs.complete(claimed);
    expect(client.jobs.get(job.id)).toMatchObject({ status: 'completed', leaseToken: null });
    expect(client.getSession(session.id)).toMatchObject({
      isWorking: false,
      currentJobId: null,
      lastJobStatus: 'completed',
    });
  });

  it('claims the oldest due job and skips jobs waiting for a retry', async () => {
    const { client, session, clock } = await setup();
    const first = client.jobs.enqueue({
      sessionId: session.id,
      promptId: 'a',
      provider: 'claude-code',
      data,
    });
    clock.advance(1000);
    const second = client.jobs.enqueue({
      sessionId: session.id,
      promptId: 'b',
      provider: 'claude-code',
      data,
    });
    const claimed = client.jobs.claim({ worker: 'w' })!;
    expect(claimed.id).toBe(first.id);
    const outcome = client.jobs.fail(claimed, 'boom');
    // attempts 1 -> 2^1 * 2 s = 4 s nominal, equal jitter at 0.5 -> 3 s.
    expect(outcome).toEqual({ status: 'pending', nextRetryAt: new Date(clock() + 3000) });
    expect(client.jobs.claim({ worker: 'w' })!.id).toBe(second.id);
    expect(client.jobs.claim({ worker: 'w' })).toBeUndefined();
    clock.advance(3000);
    const again = client.jobs.claim({ worker: 'w' })!;
    expect(again.id).toBe(first.id);
    // A claim clears the retry time it ran on, in the returned job and in the stored row.
    expect(again.nextRetryAt).toBeNull();
    expect(client.jobs.get(first.id)!.nextRetryAt).toBeNull();
  });

  it('never hands out a retry before its backoff, though next_retry_at holds whole seconds', async () => {
    const { client, clock, enqueue } = await setup();
    enqueue('a');
    clock.advance(900); // mid-second
    const failedAt = clock();
    const outcome = client.jobs.fail(client.jobs.claim({ worker: 'w' })!, 'boom');
    // 3 s of backoff from failedAt, rounded up to the second stored.
    const due = Math.ceil((failedAt + 3000) / 1000) * 1000;
    expect(outcome).toEqual({ status: 'pending', nextRetryAt: new Date(due) });
    clock.set(failedAt + 3000);
    expect(client.jobs.claim({ worker: 'w' })).toBeUndefined();
    clock.set(due);
    expect(client.jobs.claim({ worker: 'w' })).toMatchObject({ attempts: 2 });
  });

  it('fails for good after max_attempts and marks the session', async () => {
    const { client, session } = await setup();
    client.jobs.enqueue({
      sessionId: session.id,
      promptId: 'a',
      provider: 'claude-code',
      data,
      maxAttempts: 1,
    });
    const claimed = client.jobs.claim({ worker: 'w' })!;
    expect(client.jobs.fail(claimed, 'bad')).toEqual({ status: 'failed' });
    expect(client.jobs.get(claimed.id)).toMatchObject({ status: 'failed', error: 'bad' });
    expect(client.getSession(session.id)!.lastJobStatus).toBe('failed');
  });

  it('recovers an expired lease, counts the attempt, and fences off the stale worker', async () => {
    const { client, session, clock } = await setup();
    client.jobs.enqueue({
      sessionId: session.id,
      promptId: 'a',
      provider: 'claude-code',
      data,
      maxAttempts: 2,
    });
    const stale = client.jobs.claim({ worker: 'dead', leaseMs: 10_000 })!;
    clock.advance(5_000);
    expect(client.jobs.heartbeat(stale, 10_000)).toEqual(new Date(clock() + 10_000));
    clock.advance(10_001);
    const fresh = client.jobs.claim({ worker: 'alive' })!;
    expect(fresh).toMatchObject({ id: stale.id, attempts: 2, leaseOwner: 'alive' });
    expect(() => client.jobs.complete(stale)).toThrow(LeaseLostError);
    expect(() => client.jobs.fail(stale, 'x')).toThrow(LeaseLostError);
    expect(() => client.jobs.heartbeat(stale)).toThrow(LeaseLostError);
    client.jobs.complete(fresh);
    expect(client.jobs.get(fresh.id)!.status).toBe('completed');
  });

  it('fails a job whose lease expired on its last attempt', async () => {
    const { client, session, clock } = await setup();
    client.jobs.enqueue({
      sessionId: session.id,
      promptId: 'a',
      provider: 'claude-code',
      data,
      maxAttempts: 1,
    });
    const job = client.jobs.claim({ worker: 'w', leaseMs: 1000 })!;
    clock.advance(2000);
    expect(client.jobs.recoverExpired()).toBe(1);
    expect(client.jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'lease expired' });
    expect(client.getSession(session.id)!.isWorking).toBe(false);
  });

  it('recovers a job the original tool claimed (no lease) an hour after it started', async () => {
    const { client, handle, clock, session } = await setup();
    // As the original leaves them: processing, attempts counted, no lease columns set.
    const legacy = handle.sqlite.prepare(
      `INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, attempts,
         max_attempts, created_at, started_at)
       VALUES (?, ?, 'p', 'claude-code', 'processing', '{"prompt":"x","projectPath":"/p"}', ?, 3, ?, ?)`,
    );
    const seconds = (ms: number) => Math.floor(ms / 1000);
    legacy.run('old', session.id, 1, seconds(clock()) - 7200, seconds(clock() - LEGACY_CLAIM_MS));
    legacy.run('last', session.id, 3, seconds(clock()) - 7200, seconds(clock()) - 7200);
    legacy.run('recent', session.id, 1, seconds(clock()) - 600, seconds(clock()) - 600);
    expect(client.jobs.recoverExpired()).toBe(2);
    expect(client.jobs.get('old')).toMatchObject({ status: 'pending', error: 'lease expired' });
    expect(client.jobs.get('last')).toMatchObject({ status: 'failed', error: 'lease expired' });
    expect(client.jobs.get('recent')!.status).toBe('processing');
    const rerun = client.jobs.claim({ worker: 'w' })!;
    expect(rerun).toMatchObject({ id: 'old', attempts: 2 });
    client.jobs.complete(rerun);
    clock.advance(LEGACY_CLAIM_MS - 600_000);
    expect(client.jobs.recoverExpired()).toBe(1);
    expect(client.jobs.get('recent')!.status).toBe('pending');
  });

  it('claims in enqueue order within one second, where created_at ties', async () => {
    const { client, session } = await setup();
    const ids = Array.from(
      { length: 20 },
      (_, i) =>
        client.jobs.enqueue({
          sessionId: session.id,
          promptId: `p${i}`,
          provider: 'claude-code',
          data,
        }).id,
    );
    const claimed = [...client.jobs.claimBatch(7, { worker: 'w' })];
    for (
      let job = client.jobs.claim({ worker: 'w' });
      job;
      job = client.jobs.claim({ worker: 'w' })
    )
      claimed.push(job);
    expect(claimed.map((j) => j.id)).toEqual(ids);
  });

  it('recovers an expired lease within a second while other jobs are due, at once when none is', async () => {
    const { client, clock, enqueue } = await setup();
    const [a, b, c] = [enqueue('a'), enqueue('b'), enqueue('c')];
    expect(client.jobs.claim({ worker: 'dead', leaseMs: 100 })!.id).toBe(a.id);
    // Past a's lease but within the recovery interval: the next due job is handed out, a waits.
    clock.advance(RECOVERY_INTERVAL_MS / 2);
    expect(client.jobs.claim({ worker: 'w' })!.id).toBe(b.id);
    expect(client.jobs.get(a.id)!.status).toBe('processing');
    // Once the interval has passed, the claim recovers a first, and a is older than c.
    clock.advance(RECOVERY_INTERVAL_MS / 2);
    expect(client.jobs.claim({ worker: 'w' })).toMatchObject({ id: a.id, attempts: 2 });
    // With nothing else due, an expired lease is recovered by the very next claim.
    const cJob = client.jobs.claim({ worker: 'dead', leaseMs: 100 })!;
    expect(cJob.id).toBe(c.id);
    clock.advance(101);
    expect(client.jobs.claim({ worker: 'w' })).toMatchObject({ id: c.id, attempts: 2 });
  });

  it('keeps recovering expired leases after the clock goes back', async () => {
    const { client, clock, enqueue } = await setup();
    const [, y, z] = [enqueue('x'), enqueue('y'), enqueue('z')];
    client.jobs.claim({ worker: 'dead', leaseMs: 100 });
    clock.advance(-3_600_000); // the system time is set back an hour
    expect(client.jobs.claim({ worker: 'dead', leaseMs: 100 })!.id).toBe(y.id);
    // A second later (by the new time) y's lease has expired; z is still due, so only the
    // interval, counted from the time set back, brings recovery.
    clock.advance(RECOVERY_INTERVAL_MS);
    expect(client.jobs.claim({ worker: 'w' })).toMatchObject({ id: y.id, attempts: 2 });
    expect(client.jobs.get(z.id)!.status).toBe('pending');
  });

  it('claims with a seek on the status index: no scan, no sort', async () => {
    const { handle } = await setup();
    const plan = handle.sqlite
      .prepare(`EXPLAIN QUERY PLAN ${pokecodeSql.claimNext}`)
      .all({ now: 0, worker: 'w', token: 't', expires: 0 }) as Array<{ detail: string }>;
    const steps = plan.map((p) => p.detail);
    expect(steps).toContain('SEARCH job_queue USING INDEX idx_job_queue_status (status=?)');
    expect(steps.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('claims a batch in one transaction, oldest first', async () => {
    const { client, session, clock } = await setup();
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        client.jobs.enqueue({
          sessionId: session.id,
          promptId: `p${i}`,
          provider: 'codex-cli',
          data,
        }).id,
      );
      clock.advance(1000);
    }
    const batch = client.jobs.claimBatch(3, { worker: 'w' });
    expect(batch.map((j) => j.id)).toEqual(ids.slice(0, 3));
    expect(client.jobs.counts()).toMatchObject({ pending: 2, processing: 3 });
    // The session shows the newest job of the batch.
    expect(client.getSession(session.id)).toMatchObject({ isWorking: true, currentJobId: ids[2] });
  });

  it('fails a job whose stored data is not JSON and claims the next one', async () => {
    const { handle, client, session, enqueue, clock } = await setup();
    const broken = enqueue('p0');
    clock.advance(1000);
    const good = enqueue('p1');
    clock.advance(1000);
    const later = enqueue('p2');
    // An outside writer left text that is not JSON.
    handle.sqlite
      .prepare('UPDATE job_queue SET data = ? WHERE id = ?')
      .run('{"prompt":', broken.id);
    const claimed = client.jobs.claim({ worker: 'w' })!;
    expect(claimed.id).toBe(good.id);
    expect(claimed.data).toEqual(data);
    const failed = handle.sqlite
      .prepare('SELECT status, error, data, lease_token, completed_at FROM job_queue WHERE id = ?')
      .get(broken.id) as Record<string, unknown>;
    expect(failed).toMatchObject({
      status: 'failed',
      data: '{"prompt":',
      lease_token: null,
      completed_at: Math.floor(clock() / 1000),
    });
    expect(failed.error).toMatch(/^unreadable row: .*JSON/);
    expect(client.getSession(session.id)).toMatchObject({ isWorking: true, currentJobId: good.id });
    // A batch skips it the same way; the queue keeps moving.
    handle.sqlite.prepare('UPDATE job_queue SET data = ? WHERE id = ?').run('nope', later.id);
    expect(client.jobs.claimBatch(5, { worker: 'w' })).toEqual([]);
    expect(client.jobs.counts()).toMatchObject({ pending: 0, processing: 1, failed: 2 });
  });

  it('marks the session idle when its current job turns out unreadable', async () => {
    const { handle, client, session, enqueue } = await setup();
    const job = enqueue('p0');
    handle.sqlite.prepare('UPDATE job_queue SET data = ? WHERE id = ?').run('', job.id);
    expect(client.jobs.claim({ worker: 'w' })).toBeUndefined();
    expect(client.getSession(session.id)).toMatchObject({
      isWorking: false,
      currentJobId: null,
      lastJobStatus: 'failed',
    });
  });

  it('runs as a bare queue without session bookkeeping when trackSessions is false', async () => {
    const { handle, client, session, clock } = await setup();
    const bare = createPokecodeClient(handle, { clock, trackSessions: false });
    const before = client.getSession(session.id)!;
    clock.advance(5_000);
    const job = bare.jobs.enqueue({
      sessionId: session.id,
      promptId: 'a',
      provider: 'claude-code',
      data,
    });
    const claimed = bare.jobs.claim({ worker: 'w' })!;
    expect(claimed.id).toBe(job.id);
    expect(() => bare.jobs.complete({ id: job.id, leaseToken: 'stale' })).toThrow(LeaseLostError);
    bare.jobs.complete(claimed);
    expect(bare.jobs.get(job.id)!.status).toBe('completed');
    expect(client.getSession(session.id)).toEqual(before);
    // The same job through the tracking client does move the session.
    client.jobs.enqueue({ sessionId: session.id, promptId: 'b', provider: 'claude-code', data });
    expect(client.getSession(session.id)!.isWorking).toBe(true);
  });

  it('cancels a session’s jobs and cleans up finished ones, cancelled included', async () => {
    const { client, session, clock } = await setup();
    client.jobs.enqueue({ sessionId: session.id, promptId: 'a', provider: 'claude-code', data });
    client.jobs.enqueue({ sessionId: session.id, promptId: 'b', provider: 'claude-code', data });
    const running = client.jobs.claim({ worker: 'w' })!;
    expect(client.jobs.cancelSession(session.id)).toBe(2);
    expect(() => client.jobs.complete(running)).toThrow(LeaseLostError);
    expect(client.getSession(session.id)).toMatchObject({
      isWorking: false,
      lastJobStatus: 'cancelled',
    });
    expect(client.jobs.cleanup(30)).toBe(0);
    clock.advance(31 * 86_400_000);
    expect(client.jobs.cleanup(30)).toBe(2);
    expect(client.jobs.counts().cancelled).toBe(0);
  });

  it('validates jobs at the boundary', async () => {
    const { client, session } = await setup();
    expect(() =>
      client.jobs.enqueue({
        sessionId: session.id,
        promptId: 'a',
        provider: 'claude-code',
        data: { prompt: 1 } as never,
      }),
    ).toThrow(/job_queue\.data\.prompt/);
    expect(() =>
      client.jobs.enqueue({ sessionId: session.id, promptId: 'a', provider: 'gpt' as never, data }),
    ).toThrow(/job_queue\.provider/);
    expect(() =>
      client.jobs.enqueue({
        sessionId: session.id,
        promptId: 'a',
        provider: 'claude-code',
        data: { ...data, prompt: 'x'.repeat(17 * 1024 * 1024) },
      }),
    ).toThrow(/job_queue\.data: value is \d+ bytes/);
    expect(client.jobs.counts().pending).toBe(0);
  });

  it('registers devices and records reconnections', async () => {
    const { client, clock } = await setup();
    client.connectDevice({ deviceId: 'd1', deviceName: 'phone', platform: 'ios' });
    clock.advance(60_000);
    const again = client.connectDevice({ deviceId: 'd1', deviceName: 'phone 2' });
    expect(again).toMatchObject({ deviceName: 'phone 2', lastConnectedAt: new Date(clock()) });
    expect(again.createdAt).toEqual(new Date(clock() - 60_000));
    expect(client.listDevices()).toHaveLength(1);
  });
});
