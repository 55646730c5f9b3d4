import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsyncPath } from '../../src/backup/fsync.ts';
import { openDatabase } from '../../src/index.ts';
import { backupDatabase } from '../../src/maintenance/backup-database.ts';
import { seedDatabase } from '../../src/seed/seed-database.ts';
import type { BenchOptions, Suite, SuiteResult } from '../lib/types.ts';

const TARGET_MB = Number(process.env.AGENTSTATE_BENCH_BACKUP_MB ?? 200);
const QUICK_MB = 2;

/**
 * `pnpm db:backup` of a ~200 MB database (online backup API, fsync, integrity_check, row counts)
 * beside a plain file copy plus fsync of the same file, which is neither safe under writers nor
 * verified: the floor for moving the bytes. The database is seeded in a temp folder first.
 */
export const backupSuite: Suite = {
  name: 'backup',
  description: `verified online backup of a ~${TARGET_MB} MB database vs a plain file copy`,
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const targetMb = quick ? QUICK_MB : TARGET_MB;
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-backup-'));
    try {
      const path = join(dir, 'pokecode.db');
      const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
      // pokecode seed rows average about 520 bytes on disk, indexes included.
      seedDatabase(handle.sqlite, 'pokecode', {
        rows: Math.round((targetMb * 1024 * 1024) / 520),
      });
      handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      handle.close();
      const mb = statSync(path).size / 1024 / 1024;

      let start = performance.now();
      copyFileSync(path, join(dir, 'copy.db'));
      fsyncPath(join(dir, 'copy.db'));
      const copyMs = performance.now() - start;

      start = performance.now();
      await backupDatabase(path, join(dir, 'backup.bak'));
      const backupMs = performance.now() - start;

      const ratio = copyMs / backupMs;
      const rate = (ms: number) => `${((mb / ms) * 1000).toFixed(0)} MB/s`;
      return {
        comparisons: [
          {
            name: `pokecode: backup ${mb.toFixed(0)} MB (verified)`,
            unit: 'ms',
            agentstate: backupMs,
            baseline: copyMs,
            baselineName: 'plain file copy + fsync',
            ratio,
            iterations: 1,
            note: `${rate(backupMs)} vs ${rate(copyMs)}; agentstate's figure includes integrity_check and row counts of the copy`,
          },
        ],
        skipped: [],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
