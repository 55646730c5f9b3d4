import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createClient as createLibsqlClient } from '@libsql/client';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClient, createQueue, openDatabase, readAppliedMigrations } from '../../src/index.ts';
import { openConnection } from '../../src/open/open-database.ts';
import { packageDir, tempDir } from '../helpers/fixtures.ts';
import { holdWriteLock } from '../helpers/processes.ts';
import { runBunScript } from './bun-runner.ts';

const quiet = { migrate: { log: () => {} } };

/** Runs one statement in another process (better-sqlite3) and returns its first value. */
function inChild(path: string, sql: string, ...args: unknown[]): string {
  const script = `const D = require('better-sqlite3'); const s = new D(${JSON.stringify(path)}).prepare(${JSON.stringify(sql)});
    console.log(String(s.reader ? s.pluck().get(...${JSON.stringify(args)}) : s.run(...${JSON.stringify(args)}).changes))`;
  return execFileSync(process.execPath, ['-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
  }).trim();
}

async function engineOnLibsql(path: string) {
  const handle = await openDatabase('engine', { url: `file:${path}`, ...quiet });
  return { handle, workers: createQueue('engine', handle) };
}

describe('libSQL file: semantics', () => {
  it('two clients claiming at once on one file give every worker out exactly once', async () => {
    const path = join(tempDir(), 'engine.db');
    const a = await engineOnLibsql(path);
    const b = await engineOnLibsql(path);
    for (let i = 0; i < 60; i++) await a.workers.schedule({ primitive: 'p', instructions: `${i}` });
    const claimed: string[] = [];
    const drain = async (workers: typeof a.workers, name: string) => {
      for (;;) {
        const batch = await workers.claimBatch(3, { worker: name });
        if (batch.length === 0) return;
        for (const worker of batch) {
          claimed.push(worker.id);
          await workers.complete(worker);
        }
      }
    };
    await Promise.all([drain(a.workers, 'a'), drain(b.workers, 'b'), drain(a.workers, 'a2')]);
    expect(claimed).toHaveLength(60);
    expect(new Set(claimed).size).toBe(60);
    expect(await b.workers.counts()).toMatchObject({ complete: 60, running: 0, pending: 0 });
    a.handle.close();
    b.handle.close();
  });

  it('a write that meets SQLITE_BUSY is retried and leaves no hidden open transaction', async () => {
    const path = join(tempDir(), 'engine.db');
    const { handle, workers } = await engineOnLibsql(path);
    // Another process's writer holds the lock for a while: libSQL gives SQLITE_BUSY at once.
    const lock = await holdWriteLock(path, 300);
    const worker = await workers.schedule({ primitive: 'p', instructions: 'waited' });
    await lock.released;
    // Committed for real: another process reads it, and can write after it.
    expect(inChild(path, 'SELECT instructions FROM workers WHERE id = ?', worker.id)).toBe(
      'waited',
    );
    expect(inChild(path, 'UPDATE workers SET priority = 9 WHERE id = ?', worker.id)).toBe('1');
    expect((await workers.get(worker.id))?.priority).toBe(9);
    await workers.schedule({ primitive: 'p', instructions: 'after' });
    expect(inChild(path, 'SELECT count(*) FROM workers')).toBe('2');
    handle.close();
  });

  it('a one-statement lease write that meets SQLITE_BUSY waits and commits; a lost lease writes nothing', async () => {
    const path = join(tempDir(), 'engine.db');
    const { handle, workers } = await engineOnLibsql(path);
    await workers.schedule({ primitive: 'p', instructions: 'held' });
    const job = await workers.claim({ worker: 'w', leaseMs: 1_000 });
    if (!job) throw new Error('nothing claimed');
    const leaseBefore = inChild(path, 'SELECT lease_expires_at FROM workers WHERE id = ?', job.id);

    let lock = await holdWriteLock(path, 300);
    const renewed = await workers.heartbeat(job, 600_000);
    await lock.released;
    expect(renewed.getTime()).toBeGreaterThan(Date.now() + 500_000);
    const leaseAfter = inChild(path, 'SELECT lease_expires_at FROM workers WHERE id = ?', job.id);
    expect(leaseAfter).not.toBe(leaseBefore);

    // Another holder's token: refused under the lock as well, and the row is as it was.
    lock = await holdWriteLock(path, 300);
    const stolen = { ...job, leaseToken: 'not-the-token' };
    await expect(workers.progress(stolen, 0.5)).rejects.toThrow(/lease/);
    await lock.released;
    expect(inChild(path, 'SELECT progress FROM workers WHERE id = ?', job.id)).toBe('null');
    // The connection that met SQLITE_BUSY is gone: the holder's own write commits.
    await workers.progress(job, 0.5);
    expect(inChild(path, 'SELECT progress FROM workers WHERE id = ?', job.id)).toBe('0.5');
    handle.close();
  });

  it('a client write that meets SQLITE_BUSY waits, commits whole, and leaves no open transaction', async () => {
    const path = join(tempDir(), 'pokecode.db');
    const handle = await openDatabase('pokecode', { url: `file:${path}`, ...quiet });
    const pokecode = createClient('pokecode', handle);
    const session = await pokecode.createSession({
      provider: 'claude-code',
      projectPath: '/r',
      name: 'n',
    });
    const lock = await holdWriteLock(path, 300);
    // Two statements in one transaction: the message and the session's counters.
    const message = await pokecode.saveMessage({
      sessionId: session.id,
      provider: 'claude-code',
      type: 'user',
      tokenCount: 5,
    });
    await lock.released;
    expect(inChild(path, 'SELECT session_id FROM session_messages WHERE id = ?', message.id)).toBe(
      session.id,
    );
    expect(inChild(path, 'SELECT token_count FROM sessions WHERE id = ?', session.id)).toBe('5');
    // The connection that met SQLITE_BUSY is gone: the next write is committed too.
    await pokecode.touchSession(session.id);
    await pokecode.saveMessage({ sessionId: session.id, provider: 'claude-code', type: 'user' });
    expect(inChild(path, 'SELECT message_count FROM sessions WHERE id = ?', session.id)).toBe('2');
    expect(inChild(path, 'UPDATE sessions SET name = ? WHERE id = ?', 'renamed', session.id)).toBe(
      '1',
    );
    expect((await pokecode.getSession(session.id))?.name).toBe('renamed');
    handle.close();
  });

  it('two clients appending to one session on one file keep its counters exact', async () => {
    const path = join(tempDir(), 'pokecode.db');
    const a = await openDatabase('pokecode', { url: `file:${path}`, ...quiet });
    const b = await openDatabase('pokecode', { url: `file:${path}`, ...quiet });
    const [first, second] = [createClient('pokecode', a), createClient('pokecode', b)];
    const session = await first.createSession({
      provider: 'claude-code',
      projectPath: '/r',
      name: 'n',
    });
    const append = async (client: typeof first, n: number) => {
      for (let i = 0; i < n; i++) {
        await client.saveMessage({
          sessionId: session.id,
          provider: 'claude-code',
          type: 'assistant',
          tokenCount: 1,
        });
      }
    };
    await Promise.all([append(first, 40), append(second, 40), append(first, 20)]);
    expect(await second.getSession(session.id)).toMatchObject({
      messageCount: 100,
      tokenCount: 100,
    });
    expect(await first.listMessages(session.id)).toHaveLength(100);
    a.close();
    b.close();
  });

  it('the raw client alone shows the bug the runner works around', async () => {
    const path = join(tempDir(), 'raw.db');
    const setup = new Database(path);
    setup.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER)');
    setup.close();
    const client = createLibsqlClient({ url: `file:${path}` });
    const lock = await holdWriteLock(path, 300);
    const busy = await client.execute('INSERT INTO t VALUES (1)').catch((e: unknown) => e);
    await lock.released;
    expect((busy as { code?: string }).code).toBe('SQLITE_BUSY');
    await client.execute('INSERT INTO t VALUES (2)');
    // The second insert "succeeded" on the client, but another process never sees it.
    const seen = inChild(path, 'SELECT count(*) FROM t');
    client.close();
    expect(seen).toBe('0');
  });

  it('a file migrated by any driver is the same file, up to date, for the others', async () => {
    const dir = tempDir();
    const viaLibsql = join(dir, 'libsql.db');
    const viaBun = join(dir, 'bun.db');
    const viaNode = join(dir, 'node.db');
    (await openDatabase('pokecode', { url: `file:${viaLibsql}`, ...quiet })).close();
    (await openDatabase('pokecode', { path: viaNode, ...quiet })).close();
    const bun = runBunScript(
      `const { openDatabase } = await import(${JSON.stringify(join(import.meta.dirname, '../../src/index.ts'))});
       const h = await openDatabase('pokecode', { path: ${JSON.stringify(viaBun)}, migrate: { log: () => {} } });
       console.log(h.driver, h.migration.applied.length); h.close();`,
    );
    expect(bun.output.trim()).toMatch(/^bun:sqlite \d+$/);
    const schema = (path: string) => {
      const sqlite = openConnection(path);
      const rows = sqlite
        .prepare(
          "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all();
      const applied = readAppliedMigrations(sqlite).map((m) => [m.hash, m.createdAt]);
      sqlite.close();
      return { rows, applied };
    };
    expect(schema(viaLibsql)).toEqual(schema(viaNode));
    expect(schema(viaBun)).toEqual(schema(viaNode));
    // Each is up to date for every other driver: opening migrates nothing.
    for (const path of [viaLibsql, viaBun]) {
      const node = await openDatabase('pokecode', { path, ...quiet });
      expect(node.migration?.applied).toEqual([]);
      node.close();
    }
    const libsql = await openDatabase('pokecode', { url: `file:${viaBun}`, ...quiet });
    await createQueue('pokecode', libsql).counts();
    libsql.close();
    const bunOpen = runBunScript(
      `const { openDatabase } = await import(${JSON.stringify(join(import.meta.dirname, '../../src/index.ts'))});
       const h = await openDatabase('pokecode', { path: ${JSON.stringify(viaLibsql)}, migrate: { log: () => {} } });
       console.log(h.migration.applied.length); h.close();`,
    );
    expect(bunOpen.output.trim()).toBe('0');
  }, 60_000);

  it('refuses a queue on a sync replica, which would hand one job to two replicas', async () => {
    const path = join(tempDir(), 'engine.db');
    const { handle } = await engineOnLibsql(path);
    handle.close();
    const replica = { ...handle, replica: true };
    expect(() => createQueue('engine', replica)).toThrow(/sync replica/);
    expect(() => createQueue('pokecode', replica, { trackSessions: false })).toThrow(/last push/);
    // The clients' own queues refuse too; their other operations are the caller's choice.
    expect(() => createClient('engine', replica).workers).toThrow(/sync replica/);
    expect(() => createClient('pokecode', { ...replica, name: 'pokecode' }).jobs).toThrow(
      /job_queue: a queue cannot run on a libSQL sync replica/,
    );
  });
});
