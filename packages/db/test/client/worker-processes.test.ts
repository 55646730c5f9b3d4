import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient, createPokecodeClient, openDatabase } from '../../src/index.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { startWorker } from './children/spawn.ts';

const quiet = { migrate: { log: () => {} } };
const data = { prompt: 'summarise the diff', projectPath: '/p' };

async function pokecodeFile() {
  const path = join(tempDir(), 'pokecode.db');
  const handle = await openDatabase('pokecode', { path, ...quiet });
  handle.sqlite.exec('CREATE TABLE results (job_id TEXT PRIMARY KEY, worker TEXT NOT NULL)');
  const client = createPokecodeClient(handle);
  const session = client.createSession({ provider: 'claude-code', projectPath: '/p', name: 'w' });
  const enqueue = (promptId: string) =>
    client.jobs.enqueue({ sessionId: session.id, promptId, provider: 'claude-code', data });
  const count = (sql: string) => handle.sqlite.prepare(sql).pluck().get() as number;
  return { path, handle, client, enqueue, count };
}

describe('startWorker across processes', () => {
  it('4 worker processes drain 20,000 pokecode jobs, each handled exactly once', async () => {
    const JOBS = 20_000;
    const { path, handle, client, enqueue, count } = await pokecodeFile();
    client.transaction(() => {
      for (let i = 0; i < JOBS; i++) enqueue(`p${i}`);
    });
    const workers = ['w0', 'w1', 'w2', 'w3'].map((name, i) =>
      startWorker(['work-pokecode', path, name, String(1 + (i % 2) * 3)]),
    );
    const exits = await Promise.all(workers.map((w) => w.exited));
    const lines = workers.flatMap((w) => w.lines);
    expect(lines.filter((line) => line.startsWith('error'))).toEqual([]);
    expect(
      exits.map((e) => e.code),
      workers.map((w) => w.stderr()).join('\n'),
    ).toEqual([0, 0, 0, 0]);
    const handled = lines
      .filter((line) => line.startsWith('done '))
      .reduce((sum, line) => sum + Number(line.slice(5)), 0);
    // A job handled twice would have failed its second `results` insert: every handler ran once.
    expect(handled).toBe(JOBS);
    expect(count('SELECT count(*) FROM results')).toBe(JOBS);
    expect(
      count("SELECT count(*) FROM job_queue WHERE status = 'completed' AND attempts = 1"),
    ).toBe(JOBS);
    expect(count('SELECT count(DISTINCT worker) FROM results')).toBeGreaterThanOrEqual(2);
    expect(handle.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    handle.close();
  }, 300_000);

  it('2 worker processes drain 2,000 engine workers, each handled exactly once', async () => {
    const JOBS = 2_000;
    const path = join(tempDir(), 'engine.db');
    const handle = await openDatabase('engine', { path, ...quiet });
    handle.sqlite.exec('CREATE TABLE results (job_id TEXT PRIMARY KEY, worker TEXT NOT NULL)');
    const client = createEngineClient(handle);
    client.transaction(() => {
      for (let i = 0; i < JOBS; i++) {
        client.workers.schedule({ primitive: 'research', instructions: `t${i}`, priority: i % 3 });
      }
    });
    const workers = [
      startWorker(['work-engine', path, 'e0', '2']),
      startWorker(['work-engine', path, 'e1', '1']),
    ];
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(workers.flatMap((w) => w.lines).filter((line) => line.startsWith('error'))).toEqual([]);
    expect(
      exits.map((e) => e.code),
      workers.map((w) => w.stderr()).join('\n'),
    ).toEqual([0, 0]);
    const count = (sql: string) => handle.sqlite.prepare(sql).pluck().get() as number;
    expect(count('SELECT count(*) FROM results')).toBe(JOBS);
    expect(
      count("SELECT count(*) FROM workers WHERE status = 'complete' AND retry_count = 0"),
    ).toBe(JOBS);
    handle.close();
  }, 300_000);

  it('SIGTERM mid-run loses no job: finished handlers complete, the rest are released', async () => {
    const { path, handle, enqueue, count } = await pokecodeFile();
    const quick = [enqueue('quick-1'), enqueue('quick-2')];
    const hang = [enqueue('hang-1'), enqueue('hang-2')];
    const waiting = [enqueue('hang-3'), enqueue('quick-3')];
    const worker = startWorker(['hold', path, 'terminated', '5000']);
    const started = () => worker.lines.filter((line) => line.startsWith('started ')).length;
    const deadline = Date.now() + 120_000;
    while (started() < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(started(), worker.stderr()).toBe(4);
    // Each running job holds a lease of this worker.
    expect(count("SELECT count(*) FROM job_queue WHERE lease_owner = 'terminated'")).toBe(4);
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit, worker.stderr()).toEqual({ code: 0, signal: null });

    const rows = handle.sqlite
      .prepare(
        'SELECT id, status, attempts, lease_owner, lease_token FROM job_queue ORDER BY rowid',
      )
      .all() as Array<{ id: string; status: string; attempts: number; lease_owner: unknown }>;
    const status = Object.fromEntries(rows.map((row) => [row.id, row]));
    for (const job of quick.slice(0, 2)) {
      expect(worker.lines).toContain(`finished ${job.id}`);
      expect(status[job.id]).toMatchObject({ status: 'completed', lease_token: null });
    }
    // The hanging handlers heard of the stop after the grace; their jobs went back untouched.
    for (const job of hang) {
      expect(worker.lines).toContain(`aborted ${job.id} WorkerStoppedError`);
      expect(status[job.id]).toMatchObject({
        status: 'pending',
        attempts: 0,
        lease_owner: null,
        lease_token: null,
      });
    }
    // Not claimed once the stop began.
    for (const job of waiting)
      expect(status[job.id]).toMatchObject({ status: 'pending', attempts: 0 });
    expect(rows).toHaveLength(6);
    handle.close();
  }, 300_000);
});
