import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPokecodeClient, openDatabase } from '../../src/index.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { startWorker } from './children/spawn.ts';

const JOBS = 20_000;

describe('job queue across processes', () => {
  it('4 worker processes drain 20,000 jobs: each completed exactly once, no SQLITE_BUSY, abandoned leases recovered', async () => {
    const path = join(tempDir(), 'pokecode.db');
    const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
    handle.sqlite.exec('CREATE TABLE results (job_id TEXT PRIMARY KEY, worker TEXT NOT NULL)');
    const client = createPokecodeClient(handle);
    const session = client.createSession({
      provider: 'claude-code',
      projectPath: '/p',
      name: 'load',
    });
    client.transaction(() => {
      for (let i = 0; i < JOBS; i++) {
        client.jobs.enqueue({
          sessionId: session.id,
          promptId: `p${i}`,
          provider: 'claude-code',
          data: { prompt: `job ${i}`, projectPath: '/p' },
          maxAttempts: 5,
        });
      }
    });

    // Two workers crash holding a claimed job after some work; the others must recover it.
    const workers = [
      startWorker(['drain', path, 'w0', '300']),
      startWorker(['drain', path, 'w1', '0']),
      startWorker(['drain', path, 'w2', '600']),
      startWorker(['drain', path, 'w3', '0']),
    ];
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(workers.flatMap((w) => w.lines).filter((line) => line.startsWith('error'))).toEqual([]);
    const output = workers.flatMap((w) => w.lines);
    expect(
      exits.map((e) => e.code),
      workers.map((w) => w.stderr()).join('\n'),
    ).toEqual([0, 0, 0, 0]);

    const abandoned = output
      .filter((line) => line.startsWith('abandoned'))
      .map((line) => line.split(' ')[1]!);
    expect(abandoned).toHaveLength(2);
    const count = (sql: string) => handle.sqlite.prepare(sql).pluck().get() as number;
    expect(count('SELECT count(*) FROM results')).toBe(JOBS);
    expect(count("SELECT count(*) FROM job_queue WHERE status = 'completed'")).toBe(JOBS);
    expect(
      count(
        'SELECT count(*) FROM job_queue j LEFT JOIN results r ON r.job_id = j.id WHERE r.job_id IS NULL',
      ),
    ).toBe(0);
    // The abandoned jobs were recovered: their expired attempt counted.
    for (const id of abandoned)
      expect(client.jobs.get(id)).toMatchObject({ status: 'completed', attempts: 2 });
    const perWorker = handle.sqlite
      .prepare('SELECT worker, count(*) AS n FROM results GROUP BY worker')
      .all() as Array<{ n: number }>;
    expect(perWorker.length).toBeGreaterThanOrEqual(3);
    expect(handle.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    handle.close();
  }, 240_000);
});
