import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.ts';
import { backupDatabase } from '../src/maintenance/backup-database.ts';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { packageDir, tempDir } from './helpers/fixtures.ts';

const writerScript = fileURLToPath(new URL('./helpers/writer-child.ts', import.meta.url));

/**
 * db:backup copies the file and its WAL with the kernel, under a read transaction only. Here a
 * writer commits without pause and checkpoints every 8 pages, so its WAL starts over again and
 * again while the backups copy it: every backup must still be one consistent state.
 */
describe('db:backup at disk speed', () => {
  it('gives one consistent state each time while the WAL keeps starting over under it', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
    seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', { rows: 5_000 });
    handle.close();
    const writer = spawn(process.execPath, ['--import', 'tsx', writerScript, path, '8'], {
      cwd: packageDir,
    });
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.on(
          'data',
          (chunk: Buffer) => chunk.toString().includes('ready') && resolve(),
        );
        writer.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
      });
      const seen = new Set<number>();
      for (let i = 0; i < 15; i++) {
        const report = await backupDatabase(path, join(dir, `b${i}.bak`), {
          fullCheck: i % 5 === 0,
        });
        expect(report.check).toBe(i % 5 === 0 ? 'integrity_check' : 'quick_check');
        expect(existsSync(`${report.path}-wal`)).toBe(false);
        expect(existsSync(`${report.path}.partial`)).toBe(false);
        expect(statSync(report.path).mode & 0o777).toBe(0o600);
        const copy = new Database(report.path, { readonly: true });
        expect(copy.pragma('integrity_check', { simple: true }), `backup ${i}`).toBe('ok');
        // The writer's 100 rows and its counter move in one transaction: a torn copy shows here.
        const written = copy
          .prepare("SELECT count(*) FROM session_messages WHERE id LIKE 'writer-%'")
          .pluck()
          .get() as number;
        const drift = copy
          .prepare(
            'SELECT sum(message_count) - (SELECT count(*) FROM session_messages) FROM sessions',
          )
          .pluck()
          .get();
        expect([written % 100, drift], `backup ${i}`).toEqual([0, 0]);
        expect(report.counts.session_messages).toBe(
          copy.prepare('SELECT count(*) FROM session_messages').pluck().get(),
        );
        copy.close();
        seen.add(written);
      }
      // The writer went on meanwhile: the backups hold different moments.
      expect(seen.size).toBeGreaterThan(3);
    } finally {
      writer.kill('SIGKILL');
      await exited;
    }
  });
});
