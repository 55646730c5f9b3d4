import { describe, expect, it } from 'vitest';
import {
  createEngineClient,
  LeaseLostError,
  NotFoundError,
  RowValidationError,
  StateError,
} from '../../src/index.ts';
import { engineWorkerSql } from '../../src/client/engine/queue.ts';
import { LEGACY_CLAIM_MS } from '../../src/client/shared/lease.ts';
import { dueMorningMission, fakeClock, freshDatabase, storageKinds } from './helpers.ts';

describe.each(storageKinds)('engine client (%s)', (kind) => {
  async function setup() {
    const handle = await freshDatabase('engine', kind);
    const clock = fakeClock();
    const client = createEngineClient(handle, { clock, backoff: { random: () => 0 } });
    const session = client.createSession({ role: 'chief' });
    return { handle, clock, client, session };
  }

  it('schedules, claims by priority, completes; ids are 8 characters', async () => {
    const { client, session, clock } = await setup();
    const low = client.workers.schedule({
      primitive: 'research',
      instructions: 'a',
      sessionId: session.id,
    });
    const high = client.workers.schedule({ primitive: 'analyze', instructions: 'b', priority: 5 });
    client.workers.schedule({
      primitive: 'later',
      instructions: 'c',
      priority: 9,
      executeAt: new Date(clock() + 60_000),
    });
    expect(low.id).toMatch(/^[0-9a-z]{8}$/);
    const first = client.workers.claim({ worker: 'w' })!;
    expect(first.id).toBe(high.id);
    expect(client.workers.claim({ worker: 'w' })!.id).toBe(low.id);
    expect(client.workers.claim({ worker: 'w' })).toBeUndefined();
    client.workers.complete(first);
    expect(client.workers.get(first.id)).toMatchObject({
      status: 'complete',
      completedAt: new Date(clock()),
    });
    clock.advance(60_000);
    expect(client.workers.claim({ worker: 'w' })!.primitive).toBe('later');
  });

  it('dedupes on dedupe_hash while pending or running, and frees the hash once finished', async () => {
    const { client, clock } = await setup();
    const a = client.workers.schedule({ primitive: 'p', instructions: 'v1', dedupeHash: 'h' });
    const b = client.workers.schedule({
      primitive: 'p',
      instructions: 'v2',
      priority: 3,
      dedupeHash: 'h',
    });
    expect(b.id).toBe(a.id);
    expect(b).toMatchObject({ instructions: 'v2', priority: 3 });
    const claimed = client.workers.claim({ worker: 'w' })!;
    // Running: the same request is the running worker, unchanged; it keeps the hash.
    const whileRunning = client.workers.schedule({
      primitive: 'p',
      instructions: 'v3',
      dedupeHash: 'h',
    });
    expect(whileRunning).toMatchObject({ id: a.id, status: 'running', instructions: 'v2' });
    // A retried worker goes back to pending with its hash: still one worker for the request.
    client.workers.fail(claimed, 'boom');
    const retried = client.workers.schedule({
      primitive: 'p',
      instructions: 'v4',
      dedupeHash: 'h',
    });
    expect(retried).toMatchObject({ id: a.id, status: 'pending', instructions: 'v4' });
    expect(client.workers.counts()).toMatchObject({ pending: 1, running: 0 });
    clock.advance(3_600_000);
    client.workers.complete(client.workers.claim({ worker: 'w' })!);
    const c = client.workers.schedule({ primitive: 'p', instructions: 'v5', dedupeHash: 'h' });
    expect(c.id).not.toBe(a.id);
    expect(client.workers.get(a.id)!.dedupeHash).toBeNull();
  });

  it('recovers a worker the original engine started (no lease) an hour after it started', async () => {
    const { client, handle, clock } = await setup();
    const legacy = handle.sqlite.prepare(
      `INSERT INTO workers (id, primitive, status, instructions, retry_count, max_retries,
         created_at, updated_at, started_at) VALUES (?, 'p', 'running', 'x', ?, 3, ?, ?, ?)`,
    );
    const sqliteText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    const iso = (ms: number) => new Date(ms).toISOString();
    // Both text forms the original wrote: SQLite's datetime('now') and ISO 8601.
    const old = sqliteText(clock() - LEGACY_CLAIM_MS);
    legacy.run('old00001', 0, old, old, old);
    legacy.run('last0001', 3, old, old, old);
    const recent = iso(clock() - 600_000);
    legacy.run('recent01', 0, recent, recent, recent);
    expect(client.workers.recoverExpired()).toBe(2);
    expect(client.workers.get('old00001')).toMatchObject({ status: 'pending', retryCount: 1 });
    expect(client.workers.get('last0001')).toMatchObject({ status: 'failed', retryCount: 4 });
    expect(client.workers.get('recent01')!.status).toBe('running');
    clock.advance(LEGACY_CLAIM_MS - 600_000);
    expect(client.workers.recoverExpired()).toBe(1);
    expect(client.workers.get('recent01')).toMatchObject({ status: 'pending', retryCount: 1 });
  });

  it('retries with backoff, fails past max_retries, recovers expired leases with fencing', async () => {
    const { client, clock } = await setup();
    client.workers.schedule({ primitive: 'p', instructions: 'x', maxRetries: 1 });
    const first = client.workers.claim({ worker: 'w', leaseMs: 1000 })!;
    // retry 1: 2 s * 2^1 = 4 s nominal, equal jitter at 0 -> 2 s.
    expect(client.workers.fail(first, 'e'.repeat(600))).toEqual({
      status: 'pending',
      retryAt: new Date(clock() + 2000),
    });
    expect(client.workers.get(first.id)!.lastError).toHaveLength(512);
    clock.advance(2000);
    const second = client.workers.claim({ worker: 'stale', leaseMs: 1000 })!;
    clock.advance(1001);
    expect(client.workers.recoverExpired()).toBe(1);
    expect(client.workers.get(first.id)).toMatchObject({
      status: 'failed',
      retryCount: 2,
      lastError: 'lease expired',
    });
    expect(() => client.workers.complete(second)).toThrow(LeaseLostError);
  });

  it('keeps the first 512 characters of an error without cutting a surrogate pair', async () => {
    const { client } = await setup();
    client.workers.schedule({ primitive: 'p', instructions: 'x' });
    const job = client.workers.claim({ worker: 'w' })!;
    client.workers.fail(job, `${'e'.repeat(511)}🙂 and more`);
    expect(client.workers.get(job.id)!.lastError).toBe('e'.repeat(511));
    client.workers.schedule({ primitive: 'p', instructions: 'y' });
    const other = client.workers.claim({ worker: 'w' })!;
    expect(() => client.workers.fail(other, 'lone \uD800')).toThrow(/workers\.last_error: lone/);
    expect(client.workers.get(other.id)!.status).toBe('running');
  });

  it('claims in order off the claim index, with no sort; finds expired leases with a status seek', async () => {
    const { handle } = await setup();
    const plan = (sql: string) => {
      const rows = handle.sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ now: '', owner: 'w', token: 't', expires: '', legacy: 0 }) as Array<{
        detail: string;
      }>;
      return rows.map((row) => row.detail);
    };
    // The claim index holds pending workers only, in claim order: the first due one ends the walk.
    expect(plan(engineWorkerSql.claimNext)).toEqual([
      'SEARCH workers USING INTEGER PRIMARY KEY (rowid=?)',
      'SCALAR SUBQUERY 1',
      'SCAN workers USING COVERING INDEX idx_workers_claim',
    ]);
    const recovery = plan(engineWorkerSql.recoverExpired);
    expect(recovery).toEqual(['SEARCH workers USING INDEX idx_workers_ready (status=?)']);
  });

  it('fails a worker whose row holds a timestamp that is not one and claims the next', async () => {
    const { handle, client } = await setup();
    const broken = client.workers.schedule({ primitive: 'a', instructions: 'x', priority: 9 });
    const good = client.workers.schedule({ primitive: 'b', instructions: 'y' });
    handle.sqlite
      .prepare('UPDATE workers SET created_at = ? WHERE id = ?')
      .run('last tuesday', broken.id);
    const claimed = client.workers.claim({ worker: 'w' })!;
    expect(claimed.id).toBe(good.id);
    const failed = handle.sqlite
      .prepare('SELECT status, last_error, retry_count, lease_token FROM workers WHERE id = ?')
      .get(broken.id) as Record<string, unknown>;
    expect(failed).toMatchObject({ status: 'failed', retry_count: 0, lease_token: null });
    expect(failed.last_error).toMatch(/^unreadable row: not a timestamp: "last tuesday"/);
    expect(client.workers.claimBatch(3, { worker: 'w' })).toEqual([]);
    expect(client.workers.counts()).toMatchObject({ running: 1, failed: 1 });
  });

  it('cancels and cleans up finished workers, cancelled included', async () => {
    const { client, clock } = await setup();
    const w = client.workers.schedule({ primitive: 'p', instructions: 'x' });
    expect(client.workers.cancel(w.id)).toBe(true);
    expect(client.workers.get(w.id)).toMatchObject({
      status: 'cancelled',
      lastError: 'Task cancelled by user',
    });
    expect(client.workers.cancel(w.id)).toBe(false);
    clock.advance(31 * 86_400_000);
    expect(client.workers.cleanup(30)).toBe(1);
  });

  it('claims a due mission exactly once and records the run', async () => {
    const { client, clock } = await setup();
    const mission = client.createScheduledMission({
      ...dueMorningMission(clock()),
      scheduleDays: ['mon'],
    });
    const next = new Date(clock() + 86_400_000);
    const claim = client.claimDueMission(() => next)!;
    expect(claim.mission.id).toBe(mission.id);
    expect(claim.run).toMatchObject({ missionId: mission.id, status: 'running' });
    expect(client.claimDueMission(() => next)).toBeUndefined();
    clock.advance(90_000);
    const finished = client.finishMissionRun(claim.run.id, 'completed', { outputSummary: 'ok' });
    expect(finished).toMatchObject({ status: 'completed', durationSeconds: 90 });
    expect(client.getScheduledMission(mission.id)).toMatchObject({
      lastStatus: 'completed',
      nextRun: next,
    });
    expect(client.missionRuns(mission.id)).toHaveLength(1);
    // A next run that is not in the future would run the mission twice: refused, nothing claimed.
    clock.set(next.getTime());
    expect(() => client.claimDueMission(() => new Date(clock()))).toThrow(
      /scheduled_missions\.next_run: nextRun gave .*, not after the claim/,
    );
    expect(() => client.claimDueMission(() => new Date(Number.NaN))).toThrow(
      /scheduled_missions\.next_run/,
    );
    expect(client.missionRuns(mission.id)).toHaveLength(1);
    expect(client.claimDueMission(() => null)!.mission.id).toBe(mission.id);
    // Finishing it again is refused, and says why; an unknown run is not found.
    expect(() => client.finishMissionRun(claim.run.id, 'failed')).toThrow(
      new StateError('missions', claim.run.id, 'completed', 'finish it as failed'),
    );
    expect(client.missionRuns(mission.id).find((r) => r.id === claim.run.id)).toMatchObject({
      status: 'completed',
    });
    expect(() => client.finishMissionRun('nope', 'failed')).toThrow(NotFoundError);
  });

  it('raises the context warning only upwards and ends sessions', async () => {
    const { client, session } = await setup();
    expect(client.raiseContextWarning(session.id, 70)).toBe(true);
    expect(client.raiseContextWarning(session.id, 50)).toBe(false);
    expect(client.getSession(session.id)!.contextWarningLevel).toBe(70);
    expect(() => client.raiseContextWarning(session.id, 101)).toThrow(/context_warning_level/);
    expect(client.endSession(session.id, 'exit')).toBe(true);
    expect(client.activeSessions()).toEqual([]);
  });

  it('lists unread pings newest first and acknowledges them', async () => {
    const { client, session, clock } = await setup();
    const a = client.createPing(session.id, 'first');
    clock.advance(1000);
    const b = client.createPing(session.id, 'second');
    expect(client.unreadPings().map((p) => p.id)).toEqual([b.id, a.id]);
    expect(client.acknowledgePing(a.id)).toBe(true);
    expect(client.unreadPings().map((p) => p.id)).toEqual([b.id]);
    expect(() => client.createPing('nobody', 'x')).toThrow(
      new RowValidationError('pings', [
        { column: 'session_id', path: '', message: 'no sessions row has id "nobody"' },
      ]),
    );
  });

  it('appends priorities at the end of their group and orders by level', async () => {
    const { client } = await setup();
    const a = client.addPriority({ content: 'a', level: 'medium', date: '2026-01-15' });
    const b = client.addPriority({ content: 'b', level: 'medium', date: '2026-01-15' });
    const c = client.addPriority({ content: 'c', level: 'critical', date: '2026-01-15' });
    expect([a.position, b.position, c.position]).toEqual([0, 1, 0]);
    expect(client.listPriorities('2026-01-15').map((p) => p.content)).toEqual(['c', 'a', 'b']);
    expect(client.completePriority(a.id)).toBe(true);
    expect(() => client.addPriority({ content: 'x', date: '15/01/2026' })).toThrow(
      /priorities\.date/,
    );
  });

  it('adds contacts with tags atomically', async () => {
    const { client } = await setup();
    const c = client.addContact({ name: 'Ada', phone: '+14155550123' }, ['client', 'vip']);
    expect(client.getContact(c.id)!.tags).toEqual(['client', 'vip']);
    expect(client.contactsByTag('vip').map((x) => x.name)).toEqual(['Ada']);
    expect(() => client.addContact({ name: 'Bob', phone: '+14155550123' }, ['x'])).toThrow(
      'contacts.phone: "+14155550123" is already taken',
    );
    expect(() => client.addContact({ name: 'Eve' }, [''])).toThrow(/contact_tags\.tag/);
    expect(client.contactsByTag('x')).toEqual([]);
  });

  it('records notifications once per conversation and prunes old ones', async () => {
    const { client, clock } = await setup();
    const n = {
      conversationId: 'chief-2026-01-15',
      notificationType: 'worker_complete',
      entityId: 'w1',
    };
    expect(client.notify(n)).toBe(true);
    expect(client.notify(n)).toBe(false);
    expect(client.wasNotified(n.conversationId, n.notificationType, n.entityId)).toBe(true);
    clock.advance(8 * 86_400_000);
    expect(client.pruneNotifications(7)).toBe(1);
  });

  it('stages content in order, hides dismissed and expired items', async () => {
    const { client, clock } = await setup();
    const a = client.stage({ title: 'a', content: '# A' });
    const b = client.stage({
      title: 'b',
      content: 'B',
      contentType: 'text',
      expiresAt: new Date(clock() + 1000),
    });
    expect([a.position, b.position]).toEqual([0, 1]);
    expect(client.setStagedStatus(a.id, 'displayed')).toBe(true);
    expect(client.visibleStaged().map((s) => [s.title, s.status])).toEqual([
      ['a', 'displayed'],
      ['b', 'staged'],
    ]);
    clock.advance(2000);
    client.setStagedStatus(a.id, 'dismissed');
    expect(client.visibleStaged()).toEqual([]);
  });
});
