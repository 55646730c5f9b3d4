import { describe, expect, it } from 'vitest';
import {
  createEngineClient,
  createMultishotClient,
  createPokecodeClient,
  RowValidationError,
} from '../../src/index.ts';
import { pings } from '@agentstate/schema/engine';
import { inserter } from '../../src/client/shared/columns.ts';
import { foreignKeyCache } from '../../src/client/shared/constraints.ts';
import { syncRunner } from '../../src/driver/sync-runner.ts';
import { insertWithFreshId, isPrimaryKeyConflict } from '../../src/client/shared/ids.ts';
import { dueMorningMission, fakeClock, freshDatabase, storageKinds } from './helpers.ts';

/** The RowValidationError `write` throws: its table and its issues' columns and messages. */
function rejection(write: () => unknown) {
  try {
    write();
  } catch (error) {
    expect(error).toBeInstanceOf(RowValidationError);
    const { table, issues } = error as RowValidationError;
    return { table, issues: issues.map(({ column, message }) => ({ column, message })) };
  }
  throw new Error('the write was accepted');
}

const count =
  (handle: { sqlite: { prepare(sql: string): { pluck(): { get(): unknown } } } }) =>
  (table: string) =>
    handle.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe.each(storageKinds)('constraint failures become typed errors (%s)', (kind) => {
  it('pokecode: a message for a missing session, a taken job or session id', async () => {
    const handle = await freshDatabase('pokecode', kind);
    const rows = count(handle);
    const client = createPokecodeClient(handle);
    const session = client.createSession({ provider: 'claude-code', projectPath: '/p', name: 's' });
    expect(
      rejection(() =>
        client.saveMessage({ sessionId: 'gone', provider: 'claude-code', type: 'user' }),
      ),
    ).toEqual({
      table: 'session_messages',
      issues: [{ column: 'session_id', message: 'no sessions row has id "gone"' }],
    });
    expect(rows('session_messages')).toBe(0);

    const job = {
      id: 'job-1',
      sessionId: session.id,
      promptId: 'p',
      provider: 'claude-code' as const,
      data: { prompt: 'x', projectPath: '/p' },
    };
    client.jobs.enqueue(job);
    expect(rejection(() => client.jobs.enqueue(job))).toEqual({
      table: 'job_queue',
      issues: [{ column: 'id', message: '"job-1" is already taken' }],
    });
    expect(rows('job_queue')).toBe(1);

    expect(
      rejection(() =>
        client.createSession({
          id: session.id,
          provider: 'claude-code',
          projectPath: '/other',
          name: 'dup',
        }),
      ),
    ).toEqual({
      table: 'sessions',
      issues: [{ column: 'id', message: `${JSON.stringify(session.id)} is already taken` }],
    });
    expect(client.getSession(session.id)!.name).toBe('s');
  });

  it('engine: workers, pings, notifications, staged items and mission runs name the reference', async () => {
    const handle = await freshDatabase('engine', kind);
    const rows = count(handle);
    const clock = fakeClock();
    const client = createEngineClient(handle, { clock });
    const missing = (table: string, column: string, parent: string) => ({
      table,
      issues: [{ column, message: `no ${parent} row has id "gone"` }],
    });
    expect(
      rejection(() =>
        client.workers.schedule({ primitive: 'p', instructions: 'i', sessionId: 'gone' }),
      ),
    ).toEqual(missing('workers', 'session_id', 'sessions'));
    expect(rejection(() => client.createPing('gone', 'hi'))).toEqual(
      missing('pings', 'session_id', 'sessions'),
    );
    expect(
      rejection(() =>
        client.notify({
          conversationId: 'c',
          notificationType: 't',
          entityId: 'e',
          sessionId: 'gone',
        }),
      ),
    ).toEqual(missing('conversation_notifications', 'session_id', 'sessions'));
    expect(rejection(() => client.stage({ title: 't', content: 'c', workerId: 'gone' }))).toEqual(
      missing('staged_content', 'worker_id', 'workers'),
    );
    const mission = client.createScheduledMission(dueMorningMission(clock()));
    expect(rejection(() => client.claimDueMission(() => null, 'gone'))).toEqual(
      missing('missions', 'session_id', 'sessions'),
    );
    // The claim rolled back whole: the mission is still due, and claimable.
    expect(client.getScheduledMission(mission.id)!.nextRun).toEqual(new Date(clock() - 1000));
    for (const table of [
      'workers',
      'pings',
      'conversation_notifications',
      'staged_content',
      'missions',
    ]) {
      expect(rows(table)).toBe(0);
    }
    expect(client.claimDueMission(() => null)!.mission.id).toBe(mission.id);
  });

  it('multishot: an output log for a missing agent', async () => {
    const handle = await freshDatabase('multishot', kind);
    const client = createMultishotClient(handle);
    expect(rejection(() => client.appendOutputLog('gone', 'text'))).toEqual({
      table: 'output_logs',
      issues: [{ column: 'agent_id', message: 'no agents row has id "gone"' }],
    });
    expect(count(handle)('output_logs')).toBe(0);
  });
});

describe('fresh ids', () => {
  it('still retry a primary-key conflict that became a RowValidationError', () => {
    const conflict = Object.assign(new Error('UNIQUE constraint failed: pings.id'), {
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    const typed = new RowValidationError('pings', [{ column: 'id', path: '', message: 'taken' }], {
      cause: conflict,
    });
    expect(isPrimaryKeyConflict(conflict)).toBe(true);
    expect(isPrimaryKeyConflict(typed)).toBe(true);
    expect(isPrimaryKeyConflict(new RowValidationError('pings', []))).toBe(false);
  });

  it('insert under a new id when the first one drawn is taken', async () => {
    const handle = await freshDatabase('engine', 'file');
    const session = createEngineClient(handle).createSession({ role: 'chief' });
    const runner = syncRunner(handle.sqlite);
    const insertRow = inserter(pings, foreignKeyCache(handle.sqlite));
    const insertPing = (row: Record<string, unknown>) =>
      runner.run(() => insertRow(row), { write: true });
    const ping = (id: string) => ({
      id,
      session_id: session.id,
      message: 'hi',
      created_at: '2026-01-01T00:00:00.000Z',
    });
    insertPing(ping('taken000'));
    const drawn = ['taken000', 'fresh000'];
    const stored = runner.run(
      () =>
        insertWithFreshId(
          () => drawn.shift()!,
          (id) => insertRow(ping(id)),
        ),
      { write: true },
    );
    expect(stored.id).toBe('fresh000');
    expect(drawn).toEqual([]);
  });
});
