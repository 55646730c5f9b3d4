import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openConnection, readAppliedMigrations } from '../src/index.ts';
import {
  columnType,
  count,
  fixtureFolder,
  makeTempDir,
  seedParents,
  tableNames,
  tempDir,
} from './helpers/fixtures.ts';
import { seededRandom, spawnMigrateChild } from './helpers/processes.ts';

const ROWS = 20_000;
const RUNS = 50;
const SEED = 20_240_601;
const LOCKED = 'event {"type":"locked"';
const COMMITTED = 'event {"type":"committed"';

/**
 * Kills a migrating process with SIGKILL at random moments of its migration (backup, rebuild of a
 * 20k-row parent table, foreign key check, commit), 50 times. Whatever the moment, the database
 * must be exactly as before or exactly as after, intact, and the next run must finish the job.
 */
describe('a process killed with SIGKILL while migrating', () => {
  let template = '';
  let migrationMs = 0;

  const setupDir = makeTempDir();
  afterAll(() => rmSync(setupDir, { recursive: true, force: true }));

  beforeAll(async () => {
    template = join(setupDir, 'template.db');
    const sqlite = openConnection(template);
    await migrate(sqlite, loadMigrations({ folder: fixtureFolder('cascade-v1') }), {
      log: () => {},
    });
    seedParents(sqlite, ROWS, 1);
    sqlite.close();

    // Calibration: how long an uninterrupted migration holds the lock, as the parent sees it
    // (from the child's `locked` line to its `committed` line), median of three.
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const path = join(setupDir, `calibration-${i}.db`);
      copyFileSync(template, path);
      const child = spawnMigrateChild(path, fixtureFolder('cascade'));
      await child.waitFor('ready');
      child.go();
      await child.waitFor(LOCKED);
      const start = performance.now();
      await child.waitFor(COMMITTED);
      times.push(performance.now() - start);
      await child.exited;
    }
    migrationMs = times.sort((a, b) => a - b)[1]!;
  });

  it(
    `leaves the database fully before or fully after, ${RUNS} times`,
    { timeout: 180_000 },
    async () => {
      const random = seededRandom(SEED);
      const outcomes = { before: 0, after: 0, killedMidway: 0 };
      const root = tempDir();
      const folder = fixtureFolder('cascade');

      const spawnRun = (run: number) => {
        const dir = join(root, String(run));
        mkdirSync(dir);
        const path = join(dir, 'app.db');
        copyFileSync(template, path);
        return { dir, path, child: spawnMigrateChild(path, folder) };
      };
      let next = spawnRun(0);

      for (let run = 0; run < RUNS; run++) {
        const { dir, path, child } = next;
        // One kill in ten is timed from `go` and may land before the lock; the others are timed from
        // the moment the child holds the lock, so they spread over backup, rebuild, check and commit
        // however slow the machine is.
        const beforeLock = random() < 0.1;
        const delay = random() * (beforeLock ? 5 : migrationMs * 1.4);
        const context = `run ${run} (seed ${SEED}, kill ${delay.toFixed(1)} ms after ${beforeLock ? 'go' : 'locking'}, migration ~${migrationMs.toFixed(1)} ms)`;

        await child.waitFor('ready');
        child.go();
        if (!beforeLock) await child.waitFor(LOCKED);
        await new Promise((resolve) => setTimeout(resolve, delay));
        child.process.kill('SIGKILL');
        await child.exited;
        // The next process loads while this one's database is checked.
        if (run + 1 < RUNS) next = spawnRun(run + 1);
        const locked = child.lines.some((l) => l.startsWith(LOCKED));
        const committed = child.lines.some((l) => l.startsWith(COMMITTED));
        if (locked && !committed) outcomes.killedMidway++;

        const sqlite = openConnection(path);
        expect(sqlite.pragma('integrity_check', { simple: true }), context).toBe('ok');
        expect(sqlite.pragma('foreign_key_check'), context).toEqual([]);
        expect(tableNames(sqlite), context).toEqual([
          '__drizzle_migrations',
          'children',
          'parents',
        ]);
        expect(count(sqlite, 'parents'), context).toBe(ROWS);
        expect(count(sqlite, 'children'), context).toBe(ROWS);
        const applied = readAppliedMigrations(sqlite).length;
        const rank = columnType(sqlite, 'parents', 'rank');
        if (applied === 1) {
          expect(rank, context).toBe('integer');
          outcomes.before++;
        } else {
          expect([applied, rank], context).toEqual([2, 'real']);
          outcomes.after++;
        }
        if (committed) expect(applied, context).toBe(2);

        const rerun = await migrate(sqlite, loadMigrations({ folder }), { log: () => {} });
        expect(rerun.applied, context).toEqual(applied === 1 ? ['0001_rebuild_parents'] : []);
        expect(columnType(sqlite, 'parents', 'rank'), context).toBe('real');
        expect(count(sqlite, 'children'), context).toBe(ROWS);
        expect(sqlite.pragma('integrity_check', { simple: true }), context).toBe('ok');
        sqlite.close();
        // A backup cut short by the kill is removed by the next run, never left as a `.bak`.
        for (const name of readdirSync(join(dir, 'backups'), { withFileTypes: false }).map(
          String,
        )) {
          expect(name, context).toMatch(/\.bak$/);
        }
      }

      console.log(
        `SIGKILL runs: ${JSON.stringify(outcomes)}; uninterrupted migration ~${migrationMs.toFixed(1)} ms`,
      );
      expect(outcomes.before + outcomes.after).toBe(RUNS);
      // The kills must really land inside migrations for this test to mean anything.
      expect(outcomes.killedMidway).toBeGreaterThanOrEqual(RUNS / 4);
      expect(outcomes.before).toBeGreaterThan(0);
    },
  );
});
