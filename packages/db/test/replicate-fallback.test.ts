import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.ts';
import { restoreFromReplica } from '../src/replicate/restore-from-replica.ts';
import { startReplication, type Replication } from '../src/replicate/replication.ts';
import { tempDir } from './helpers/fixtures.ts';
import {
  appendedSeqs,
  eventually,
  killGroup,
  pokecodeWithSession,
  replicaWithDamagedNewestGeneration,
  spawnAppendWriter,
  truncateWal,
  type AppendWriter,
} from './helpers/replication.ts';

/** Rounds where the kill beat the new generation's first WAL segment, and the most rounds run for them. */
const EXERCISED = 3;
const MAX_ROUNDS = 12;

/** integrity_check of a file, and whether the migrator opens it as a current pokecode database. */
async function checkRestored(path: string): Promise<{ integrity: string; applied: string[] }> {
  const sqlite = new Database(path, { readonly: true });
  const integrity = sqlite.pragma('integrity_check', { simple: true }) as string;
  sqlite.close();
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  const applied = handle.migration?.applied ?? [];
  handle.close();
  return { integrity, applied };
}

describe('restore from a replica whose newest generation holds no restorable state', () => {
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
    'a replicator SIGKILLed right after a new generation’s snapshot: the restore falls back to the generation before, which holds every write older than the lag',
    { timeout: 180_000 },
    async () => {
      const dir = tempDir();
      const path = await pokecodeWithSession(dir);
      const replica = join(dir, 'replica');
      const replication = await startReplication({ path, to: replica, restart: false });
      replications.push(replication);
      // The generations of the WAL segments Litestream reported since it last started.
      const shippedSince: string[] = [];
      replication.on('replicated', ({ position }) => shippedSince.push(position.generation));
      const restart = () => {
        shippedSince.length = 0;
        return replication.restart();
      };
      /** Whether the replica folder holds a WAL segment of that generation. */
      const hasSegment = (generation: string) => {
        const wal = join(replica, 'generations', generation, 'wal');
        return existsSync(wal) && readdirSync(wal).some((name) => name.endsWith('.wal.lz4'));
      };
      const generations: string[] = [];
      replication.on('generation', ({ generation }) => generations.push(generation));
      const writer = spawnAppendWriter(path, 3);
      writers.push(writer);
      await writer.waitFor(20);

      let exercised = 0;
      for (let round = 0; round < MAX_ROUNDS && exercised < EXERCISED; round++) {
        // Writes flow and reach the replica, then the replicator dies.
        await writer.waitFor(writer.appends.length + 150);
        await eventually(() => shippedSince.length > 0, 'a WAL segment since Litestream started');
        const lastComplete = shippedSince.at(-1);
        let exited = once(replication, 'exit');
        killGroup(replication.processGroup, 'SIGKILL');
        await exited;
        // The tool checkpoints meanwhile: the WAL's continuity is broken, so the next Litestream
        // starts a new generation with a snapshot. It is killed the moment that snapshot is written,
        // while it uploads the WAL after it (some 2 MB of commits made since the checkpoint).
        await writer.waitFor(writer.appends.length + 30);
        truncateWal(path);
        await writer.waitFor(writer.appends.length + 50);
        let killedAt = 0;
        let lagMs = 0;
        const killOnSnapshot = () => {
          killedAt = Date.now();
          lagMs = replication.lagMs;
          killGroup(replication.processGroup, 'SIGKILL');
        };
        replication.once('snapshot', killOnSnapshot);
        exited = once(replication, 'exit');
        const before = generations.length;
        await restart();
        await exited;
        replication.off('snapshot', killOnSnapshot);
        const fresh = generations.slice(before);
        expect(fresh, `round ${round}: a new generation`).toHaveLength(1);
        expect(killedAt, `round ${round}: killed on its snapshot`).toBeGreaterThan(0);
        const required = writer.appends.filter((a) => a.committedBy < killedAt - lagMs);
        const context = `round ${round}: lag ${lagMs.toFixed(0)} ms, ${required.length} of ${writer.appends.length} commits required`;

        const restored = join(dir, `restored-${round}.db`);
        const log: string[] = [];
        const report = await restoreFromReplica('pokecode', restored, {
          from: replica,
          log: (line) => log.push(line),
        });
        // The kill beat the upload of the new generation's first WAL segment (almost always):
        // its snapshot alone is no state, and the restore says it used the generation before.
        if (!hasSegment(fresh[0]!)) {
          exercised++;
          expect(report.generation, context).toBe(lastComplete);
          expect(
            report.passedOver.map((p) => p.generation),
            context,
          ).toEqual(fresh);
          expect(report.passedOver[0]?.reason, context).toMatch(
            /holds a snapshot without the WAL that completes it/,
          );
          expect(log.join('\n'), context).toContain(`generation ${fresh[0]}`);
        }
        const held = new Set(appendedSeqs(restored));
        expect(
          required.filter((a) => !held.has(a.seq)).map((a) => a.seq),
          context,
        ).toEqual([]);
        expect(required.length, context).toBeGreaterThan(50);
        expect(await checkRestored(restored), context).toEqual({ integrity: 'ok', applied: [] });

        await restart();
      }
      expect(exercised).toBe(EXERCISED);
    },
  );

  it('a new generation started from a damaged file: the restore passes it over for the last sound state', async () => {
    const dir = tempDir();
    const { replica, sound, damaged } = await replicaWithDamagedNewestGeneration(dir);

    const restored = join(dir, 'restored.db');
    const report = await restoreFromReplica('pokecode', restored, { from: replica });
    expect(report.generation).toBe(sound);
    expect(report.passedOver.map((p) => p.generation)).toEqual([damaged]);
    expect(report.passedOver[0]?.reason).toMatch(/^is corrupt: /);
    expect(appendedSeqs(restored)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await checkRestored(restored)).toEqual({ integrity: 'ok', applied: [] });
  });
});
