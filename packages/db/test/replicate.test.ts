import { once } from 'node:events';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.ts';
import { backupDatabase } from '../src/maintenance/backup-database.ts';
import { pruneDatabase } from '../src/maintenance/prune-database.ts';
import { isReplicatorAttached } from '../src/replicate/coordination.ts';
import { restoreFromReplica } from '../src/replicate/restore-from-replica.ts';
import { startReplication, type Replication } from '../src/replicate/replication.ts';
import { tempDir } from './helpers/fixtures.ts';
import { seededRandom } from './helpers/processes.ts';
import {
  appendedSeqs,
  killGroup,
  pokecodeWithSession,
  spawnAppendWriter,
  type AppendWriter,
} from './helpers/replication.ts';

const KILLS = 20;
const SEED = 20_261_201;

/** integrity_check of a file, and whether the migrator opens it as a managed, current database. */
async function checkRestored(path: string): Promise<{ integrity: string; applied: string[] }> {
  const sqlite = new Database(path, { readonly: true });
  const integrity = sqlite.pragma('integrity_check', { simple: true }) as string;
  sqlite.close();
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  const applied = handle.migration?.applied ?? [];
  const adopted = handle.adoption !== undefined;
  handle.close();
  if (adopted) throw new Error(`${path} was adopted as an original tool's file`);
  return { integrity, applied };
}

const removeDatabase = (path: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
};

describe('continuous replication with Litestream (the real binary)', () => {
  const replications: Replication[] = [];
  const writers: AppendWriter[] = [];
  afterEach(async () => {
    for (const writer of writers.splice(0)) killGroup(writer.process.pid);
    for (const replication of replications.splice(0)) {
      killGroup(replication.processGroup);
      await replication.stop();
    }
  });

  it(
    `keeps every write older than the measured lag through ${KILLS} SIGKILLs of the replicator`,
    { timeout: 240_000 },
    async () => {
      const dir = tempDir();
      const path = await pokecodeWithSession(dir);
      const replica = join(dir, 'replica');
      const random = seededRandom(SEED);
      const replication = await startReplication({ path, to: replica, restart: false });
      replications.push(replication);
      const writer = spawnAppendWriter(path, 3);
      writers.push(writer);
      await writer.waitFor(20);

      let checked = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        await sleep(200 + random() * 1500);
        // Wall time first, then the lag: every commit the writer finished before
        // killedAt - lag must be on the replica when it dies.
        const killedAt = Date.now();
        const lagMs = replication.lagMs;
        const exited = once(replication, 'exit');
        killGroup(replication.processGroup, 'SIGKILL');
        await exited;
        const required = writer.appends.filter((a) => a.committedBy < killedAt - lagMs);
        const context = `kill ${kill} (seed ${SEED}): lag ${lagMs.toFixed(0)} ms, ${required.length} of ${writer.appends.length} commits required`;

        const restored = join(dir, `restored-${kill}.db`);
        await restoreFromReplica('pokecode', restored, { from: replica });
        const held = new Set(appendedSeqs(restored));
        expect(
          required.filter((a) => !held.has(a.seq)).map((a) => a.seq),
          context,
        ).toEqual([]);
        expect(await checkRestored(restored), context).toEqual({ integrity: 'ok', applied: [] });
        removeDatabase(restored);
        checked += required.length;

        await replication.restart();
      }
      // The kills landed while writes were flowing, and most commits were required each time.
      expect(checked).toBeGreaterThan(KILLS * 20);

      // Stopped cleanly at the end, the replica holds every commit the writer reported.
      await writer.stop();
      await replication.caughtUp();
      await replication.stop();
      const final = join(dir, 'final.db');
      await restoreFromReplica('pokecode', final, { from: replica });
      const all = writer.appends.map((a) => a.seq);
      const held = new Set(appendedSeqs(final));
      expect(all.filter((seq) => !held.has(seq))).toEqual([]);
      expect(await checkRestored(final)).toEqual({ integrity: 'ok', applied: [] });
    },
  );

  it('lets writers go on while db:prune and db:backup run under replication (no write waits 2 s)', async () => {
    const dir = tempDir();
    const path = await pokecodeWithSession(dir);
    // Finished jobs old enough for pokecode's rule, so the prune deletes, backs up and checkpoints.
    const sqlite = new Database(path);
    const job = sqlite.prepare(
      "INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, created_at, completed_at) VALUES (?, (SELECT id FROM sessions LIMIT 1), ?, 'claude-code', 'completed', '{}', 1000, 1000)",
    );
    sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) job.run(`old-${i}`, `p-${i}`);
    })();
    sqlite.close();

    const replication = await startReplication({ path, to: join(dir, 'replica') });
    replications.push(replication);
    expect(isReplicatorAttached(path)).toBe(true);
    const writer = spawnAppendWriter(path, 2);
    writers.push(writer);
    await writer.waitFor(50);

    const pruned = await pruneDatabase('pokecode', path, { backupDir: join(dir, 'backups') });
    expect(pruned.steps.find((s) => s.table === 'job_queue')?.rows).toBe(2000);
    // Litestream holds the WAL: the checkpoint was PASSIVE and did not try to truncate.
    expect(pruned.checkpoint?.truncated).toBe(false);
    const beforeBackup = writer.appends.length;
    const backup = await backupDatabase(path, join(dir, 'manual.bak'));
    expect(backup.counts.job_queue).toBe(0);
    await writer.waitFor(beforeBackup + 50);
    await writer.stop();

    const slowest = Math.max(...writer.appends.map((a) => a.tookMs));
    expect(slowest, `slowest of ${writer.appends.length} writes`).toBeLessThan(2000);
    // The writer went on committing throughout.
    expect(writer.appends.length).toBeGreaterThan(100);
  });

  it('restores a time in the middle of the history to exactly the writes committed before it', async () => {
    const dir = tempDir();
    const path = await pokecodeWithSession(dir);
    const replica = join(dir, 'replica');
    const replication = await startReplication({ path, to: replica });
    replications.push(replication);
    const handle = await openDatabase('pokecode', { path, migrate: false });
    const session = handle.sqlite.prepare('SELECT id FROM sessions').pluck().get() as string;
    const insert = handle.sqlite.prepare(
      "INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at) VALUES (?, ?, 'claude-code', 'assistant', '{}', 0)",
    );
    let next = 0;
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++, next++) {
        insert.run(`append-${next}`, session);
        await sleep(2);
      }
      await replication.caughtUp();
    };
    const range = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => from + i);
    const quietMoment = async () => {
      // Far from any write on both sides: more than Litestream's lag, and its clock's.
      await sleep(1200);
      const at = new Date();
      await sleep(1200);
      return at;
    };

    await burst(40);
    const afterFirst = await quietMoment();
    await burst(30);
    const afterSecond = await quietMoment();
    await burst(20);
    handle.close();

    const restore = async (at?: Date) => {
      const target = join(dir, `at-${at?.getTime() ?? 'latest'}.db`);
      await restoreFromReplica('pokecode', target, { from: replica, at });
      return appendedSeqs(target);
    };
    expect(await restore(afterFirst)).toEqual(range(0, 40));
    expect(await restore(afterSecond)).toEqual(range(0, 70));
    expect(await restore()).toEqual(range(0, 90));
    // Before the replica's history began there is nothing to restore, and the refusal says
    // which times it does hold.
    const beforeHistory = new Date(Date.now() - 3_600_000);
    await expect(restore(beforeHistory)).rejects.toThrow(
      /has no state of the database at .* it holds 20\d\d-/,
    );
    expect(existsSync(join(dir, `at-${beforeHistory.getTime()}.db`))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('from-replica'))).toEqual([]);
  });
});
