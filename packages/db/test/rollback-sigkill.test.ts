import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadMigrations,
  openConnection,
  openDatabase,
  readAppliedMigrations,
  rollback,
} from '../src/index.ts';
import { readLiveSchema } from '../src/adopt/live-schema.ts';
import { makeTempDir, tempDir } from './helpers/fixtures.ts';
import { comparableSchema, snapshotRows } from './helpers/original-tools.ts';
import { seededRandom, spawnRollbackChild } from './helpers/processes.ts';
import { rmSync } from 'node:fs';

const ROWS = 12_000;
const RUNS = 12;
const SEED = 20_261_201;
const TO = '0001_add_devices_and_last_message_sent_at';
/** Every pokecode step is applied before the rollback. */
const ALL = loadMigrations('pokecode').length;
const LOCKED = 'event {"type":"locked"';
const COMMITTED = 'event {"type":"committed"';

/** The whole file as comparable data: schema, every row, the applied history. */
function state(path: string) {
  const sqlite = openConnection(path, { readonly: true });
  try {
    return {
      schema: comparableSchema(readLiveSchema(sqlite)),
      rows: snapshotRows(sqlite),
      applied: readAppliedMigrations(sqlite).length,
      integrity: sqlite.pragma('integrity_check', { simple: true }),
    };
  } finally {
    sqlite.close();
  }
}

/**
 * Kills a process with SIGKILL at random moments of a rollback of three pokecode steps (backup,
 * index changes, three DROP COLUMNs rewriting 12k rows, the checks, commit). The file must be
 * exactly as before or exactly as after, and a second rollback must finish the job.
 */
describe('a process killed with SIGKILL while rolling back', () => {
  const setupDir = makeTempDir();
  afterAll(() => rmSync(setupDir, { recursive: true, force: true }));
  let template = '';
  let before: ReturnType<typeof state>;
  let after: ReturnType<typeof state>;
  let rollbackMs = 0;

  beforeAll(async () => {
    template = join(setupDir, 'template.db');
    const handle = await openDatabase('pokecode', {
      path: template,
      migrate: { log: () => {}, backup: false },
    });
    seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', { rows: ROWS, seed: 3 });
    // No job is leased (no worker runs), so 0002's down loses nothing.
    handle.sqlite.exec(
      'UPDATE job_queue SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL',
    );
    handle.close();
    before = state(template);
    // The reference "after": the same rollback, uninterrupted, in this process.
    const reference = join(setupDir, 'reference.db');
    copyFileSync(template, reference);
    const sqlite = openConnection(reference);
    await rollback(sqlite, loadMigrations('pokecode'), { to: TO, log: () => {}, backup: false });
    sqlite.close();
    after = state(reference);
    // Calibration: lock to commit, as the parent sees it.
    const path = join(setupDir, 'calibration.db');
    copyFileSync(template, path);
    const child = spawnRollbackChild(path, 'pokecode', TO);
    await child.waitFor('ready');
    child.go();
    await child.waitFor(LOCKED);
    const start = performance.now();
    await child.waitFor(COMMITTED);
    rollbackMs = performance.now() - start;
    await child.exited;
  }, 120_000);

  it(
    `leaves the file fully before or fully after, ${RUNS} times`,
    { timeout: 240_000 },
    async () => {
      expect(before.applied).toBe(ALL);
      expect(after.applied).toBe(2);
      expect(after.schema).not.toEqual(before.schema);
      const random = seededRandom(SEED);
      const root = tempDir();
      const outcomes = { before: 0, after: 0, killedMidway: 0 };
      for (let run = 0; run < RUNS; run++) {
        const dir = join(root, String(run));
        mkdirSync(dir);
        const path = join(dir, 'pokecode.db');
        copyFileSync(template, path);
        const child = spawnRollbackChild(path, 'pokecode', TO);
        const delay = random() * rollbackMs * 1.3;
        const context = `run ${run} (seed ${SEED}, kill ${delay.toFixed(1)} ms after locking, rollback ~${rollbackMs.toFixed(1)} ms)`;
        await child.waitFor('ready');
        child.go();
        await child.waitFor(LOCKED);
        await new Promise((resolve) => setTimeout(resolve, delay));
        child.process.kill('SIGKILL');
        await child.exited;
        const committed = child.lines.some((l) => l.startsWith(COMMITTED));
        if (!committed) outcomes.killedMidway++;

        const now = state(path);
        expect(now.integrity, context).toBe('ok');
        if (now.applied === ALL) {
          expect(now, context).toEqual(before);
          outcomes.before++;
        } else {
          expect(now, context).toEqual(after);
          outcomes.after++;
        }
        if (committed) expect(now.applied, context).toBe(2);

        const sqlite = openConnection(path);
        const rerun = await rollback(sqlite, loadMigrations('pokecode'), { to: TO, log: () => {} });
        sqlite.close();
        expect(rerun.rolledBack.length, context).toBe(now.applied === ALL ? ALL - 2 : 0);
        expect(state(path), context).toEqual(after);
      }
      console.log(
        `rollback SIGKILL runs: ${JSON.stringify(outcomes)}; uninterrupted ~${rollbackMs.toFixed(1)} ms`,
      );
      expect(outcomes.before + outcomes.after).toBe(RUNS);
      expect(outcomes.killedMidway).toBeGreaterThanOrEqual(RUNS / 4);
    },
  );
});
