import { betterSqlite3Of } from '../../src/driver/better-sqlite3.ts';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsyncPath } from '../../src/backup/fsync.ts';
import { loadMigrations, migrate, openConnection, openDatabase } from '../../src/index.ts';
import { backupDatabase } from '../../src/maintenance/backup-database.ts';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '../lib/types.ts';

const TARGET_MB = Number(process.env.AGENTSTATE_BENCH_BACKUP_MB ?? 200);
const LARGE_MB = 2048;
const QUICK_MB = 2;
const QUICK_LARGE_MB = 20;
const MB = 1024 * 1024;

/** A plain copy of the file and its fsync: the floor for moving the bytes. */
function plainCopy(path: string, to: string): number {
  const start = performance.now();
  copyFileSync(path, to);
  fsyncPath(to);
  const ms = performance.now() - start;
  rmSync(to, { force: true });
  return ms;
}

/**
 * How long the migrator holds the write lock for its backup: from its `locked` event to its
 * `backup` event, applying the last pokecode migration to a copy of `template` (which lacks it).
 */
async function lockHeldForBackup(template: string, dir: string): Promise<number> {
  const path = join(dir, 'migrating.db');
  copyFileSync(template, path);
  const sqlite = openConnection(path);
  let locked = 0;
  let held = 0;
  try {
    await migrate(sqlite, loadMigrations('pokecode'), {
      log: () => {},
      backup: { dir: join(dir, 'migrate-backups'), keep: 1 },
      onEvent: (event) => {
        if (event.type === 'locked') locked = performance.now();
        if (event.type === 'backup') held = performance.now() - locked;
      },
    });
  } finally {
    sqlite.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    rmSync(join(dir, 'migrate-backups'), { recursive: true, force: true });
  }
  return held;
}

/**
 * `pnpm db:backup` of a ~200 MB database (kernel copy of the file and its WAL, fsync,
 * quick_check, row counts) beside a plain file copy plus fsync of the same file, which is neither
 * safe under writers nor verified: the floor for moving the bytes (target: ≥ 0.3 of its speed).
 * Then how long the migrator holds the write lock for its pre-migration backup, at ~200 MB and
 * ~2 GB (the seeded file padded with a table of random blobs), beside a plain copy of that file.
 */
export const backupSuite: Suite = {
  name: 'backup',
  description: `verified online backup of a ~${TARGET_MB} MB database vs a plain file copy; the migrator's lock for its backup at ${TARGET_MB} MB and 2 GB`,
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const targetMb = quick ? QUICK_MB : TARGET_MB;
    const largeMb = quick ? QUICK_LARGE_MB : LARGE_MB;
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-backup-'));
    try {
      const path = join(dir, 'pokecode.db');
      // All migrations but the last, so the migrator has one to apply (and a backup to take).
      const handle = await openDatabase('pokecode', {
        path,
        migrate: { log: () => {}, migrations: loadMigrations('pokecode').slice(0, -1) },
      });
      // pokecode seed rows average about 520 bytes on disk, indexes included.
      seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', {
        rows: Math.round((targetMb * MB) / 520),
      });
      handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      handle.close();
      const mb = statSync(path).size / MB;

      const copyMs = plainCopy(path, join(dir, 'copy.db'));
      let start = performance.now();
      await backupDatabase(path, join(dir, 'backup.bak'));
      const backupMs = performance.now() - start;
      rmSync(join(dir, 'backup.bak'), { force: true });
      const ratio = copyMs / backupMs;
      const rate = (ms: number) => `${((mb / ms) * 1000).toFixed(0)} MB/s`;
      const comparisons: Comparison[] = [
        {
          name: `pokecode: backup ${mb.toFixed(0)} MB (verified)`,
          unit: 'ms',
          agentstate: backupMs,
          baseline: copyMs,
          baselineName: 'plain file copy + fsync',
          ratio,
          iterations: 1,
          target: {
            description: '≥ 0.3 of a plain copy, verification included',
            met: ratio >= 0.3,
          },
          note: `${rate(backupMs)} vs ${rate(copyMs)}; agentstate's figure includes the fold of the WAL, quick_check and row counts of the copy`,
        },
      ];

      const lockComparison = async (label: string): Promise<Comparison> => {
        const fileMb = statSync(path).size / MB;
        const copy = plainCopy(path, join(dir, 'copy.db'));
        start = performance.now();
        const held = await lockHeldForBackup(path, dir);
        return {
          name: `migrator: write lock held for its backup, ${label} (${fileMb.toFixed(0)} MB)`,
          unit: 'ms',
          agentstate: held,
          baseline: copy,
          baselineName: 'plain file copy + fsync',
          ratio: copy / held,
          iterations: 1,
          note: `every writer waits this long at an upgrade; ${((performance.now() - start) / 1000).toFixed(1)} s for the whole migration`,
        };
      };
      comparisons.push(await lockComparison(`${targetMb} MB`));

      // Padding to ~2 GB: random blobs (incompressible), in a table outside the schema.
      const pad = openConnection(path);
      pad.exec('CREATE TABLE bench_padding (b BLOB)');
      const insert = pad.prepare('INSERT INTO bench_padding VALUES (randomblob(?))');
      const blobs = Math.max(1, Math.round(largeMb - statSync(path).size / MB));
      pad.transaction(() => {
        for (let i = 0; i < blobs; i++) insert.run(MB);
      })();
      pad.pragma('wal_checkpoint(TRUNCATE)');
      pad.close();
      comparisons.push(await lockComparison(quick ? `${largeMb} MB` : '2 GB'));
      return { comparisons, skipped: [] };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
