import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  isReplicatorAttached,
  openDatabase,
  restoreFromReplica,
  startReplication,
  type Replication,
} from '../src/index.ts';
import { tempDir } from './helpers/fixtures.ts';
import { appendedSeqs, eventually, killGroup, pokecodeWithSession } from './helpers/replication.ts';

/** The app's side: a session and its messages through the typed client, on an open handle. */
async function openApp(path: string) {
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  const client = createClient('pokecode', handle);
  const sessionId = handle.sqlite.prepare('SELECT id FROM sessions').pluck().get() as string;
  let next = 0;
  return {
    handle,
    append: (n: number) => {
      for (let i = 0; i < n; i++, next++) {
        client.saveMessage({
          id: `append-${next}`,
          sessionId,
          provider: 'claude-code',
          type: 'assistant',
          contentData: JSON.stringify({ n: next }),
        });
      }
    },
  };
}

describe('replication as an app runs it (startReplication)', () => {
  const replications: Replication[] = [];
  afterEach(async () => {
    for (const replication of replications.splice(0)) {
      killGroup(replication.processGroup);
      await replication.stop();
    }
  });

  it('starts and stops with the app, with events for what it ships and its lag', async () => {
    const dir = tempDir();
    const path = await pokecodeWithSession(dir);
    const app = await openApp(path);
    const replication = await startReplication({
      path,
      to: join(dir, 'replica'),
      lagEventIntervalMs: 100,
    });
    replications.push(replication);
    const lags: number[] = [];
    const shipped: Array<number | undefined> = [];
    replication.on('lag', ({ lagMs }) => lags.push(lagMs));
    replication.on('replicated', ({ lagMs }) => shipped.push(lagMs));
    expect(replication.state).toBe('running');
    expect(isReplicatorAttached(path)).toBe(true);

    for (let i = 0; i < 10; i++) {
      app.append(3);
      await sleep(50);
    }
    await replication.caughtUp();
    await eventually(() => lags.length >= 5, 'lag events');
    const measured = shipped.filter((lag): lag is number => lag !== undefined);
    expect(measured.length).toBeGreaterThan(0);
    for (const lag of [...lags, ...measured]) expect(lag).toBeGreaterThanOrEqual(0);

    const group = replication.processGroup!;
    await replication.stop();
    app.handle.close();
    expect(replication.state).toBe('stopped');
    expect(replication.processGroup).toBeUndefined();
    expect(() => process.kill(-group, 0)).toThrow();
    expect(isReplicatorAttached(path)).toBe(false);
    const restored = join(dir, 'restored.db');
    await restoreFromReplica('pokecode', restored, { from: join(dir, 'replica') });
    expect(appendedSeqs(restored)).toHaveLength(30);
  });

  it('caughtUp() waits for the first snapshot of a file with nothing in its WAL', async () => {
    const dir = tempDir();
    const path = await pokecodeWithSession(dir);
    // Closed by its last connection, the file has no WAL: no commit to wait for, only the snapshot.
    const replica = join(dir, 'replica');
    const replication = await startReplication({ path, to: replica });
    replications.push(replication);
    await replication.caughtUp();
    await replication.stop();
    const restored = join(dir, 'restored.db');
    await restoreFromReplica('pokecode', restored, { from: replica });
    expect(appendedSeqs(restored)).toEqual([]);
    // Started again on the same generation with nothing new to ship, it is caught up at once.
    const again = await startReplication({ path, to: replica });
    replications.push(again);
    await again.caughtUp(5_000);
  });

  it('reports an unreachable replica as error events, never a throw, while the lag grows', async () => {
    const dir = tempDir();
    const path = await pokecodeWithSession(dir);
    // Nothing listens on port 1: every sync fails.
    const to = 'sftp://nobody@127.0.0.1:1/replica';
    const replication = await startReplication({ path, to, restart: false });
    replications.push(replication);
    const errors: Error[] = [];
    replication.on('error', (error) => errors.push(error));
    const app = await openApp(path);
    app.append(5);
    await eventually(() => errors.length > 0, 'an error event');
    expect(errors[0]!.message).toMatch(/connection refused|dial tcp/);
    await sleep(500);
    // Commits the replica never got: the lag is their age, and it keeps growing.
    const first = replication.lagMs;
    await sleep(300);
    expect(first).toBeGreaterThan(300);
    expect(replication.lagMs).toBeGreaterThan(first);
    // With no error listener, the errors that go on coming are not thrown at the app.
    replication.removeAllListeners('error');
    await sleep(500);
    expect(replication.state).toBe('running');
    app.handle.close();
  });

  it('pauses for a restore of its own file in the same process, and resumes on a new generation', async () => {
    const dir = tempDir();
    const path = await pokecodeWithSession(dir);
    const replica = join(dir, 'replica');
    const replication = await startReplication({ path, to: replica });
    replications.push(replication);
    const events: string[] = [];
    replication.on('paused', ({ requester }) => events.push(`paused by ${requester}`));
    replication.on('resumed', () => events.push('resumed'));
    replication.on('generation', ({ reason }) => events.push(`generation: ${reason}`));

    const app = await openApp(path);
    app.append(10);
    await replication.caughtUp();
    await sleep(1200);
    const at = new Date();
    await sleep(1200);
    app.append(10);
    await replication.caughtUp();
    // The app closes its connection before its file is replaced.
    app.handle.close();

    const report = await restoreFromReplica('pokecode', path, { from: replica, at });
    expect(report.asidePath).toMatch(/pokecode\.db\.before-restore-/);
    expect(appendedSeqs(path)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(appendedSeqs(report.asidePath!)).toHaveLength(20);
    const since = () => events.slice(events.indexOf(`paused by ${process.pid}`));
    await eventually(() => since().length >= 3, 'a new generation after the restore');
    expect(since().slice(0, 2)).toEqual([`paused by ${process.pid}`, 'resumed']);
    expect(since()[2]).toMatch(/^generation: /);
    expect(replication.state).toBe('running');
  });

  it('stops for good when stop() comes while Litestream starts again after a resume', async () => {
    const dir = tempDir();
    const path = await pokecodeWithSession(dir);
    const replication = await startReplication({ path, to: join(dir, 'replica') });
    replications.push(replication);
    const events: string[] = [];
    replication.on('started', () => events.push('started'));
    replication.on('error', (error) => events.push(`error: ${error.message}`));
    replication.on('exit', ({ expected }) => events.push(`exit, expected: ${expected}`));
    await replication.pause(process.pid);
    let stopped: Promise<void> | undefined;
    // 'resumed' comes just before Litestream is launched again: a stop now lands in its start.
    replication.once('resumed', () => {
      stopped = replication.stop();
    });
    await replication.resume();
    await stopped;
    expect(replication.state).toBe('stopped');
    expect(replication.processGroup).toBeUndefined();
    expect(isReplicatorAttached(path)).toBe(false);
    // Longer than the first restart delay (500 ms): no Litestream is started again.
    await sleep(1500);
    // The exits of the pause and of the stop; no start, no error.
    expect(events).toEqual(['exit, expected: true', 'exit, expected: true']);
    expect(replication.state).toBe('stopped');
  });
});
