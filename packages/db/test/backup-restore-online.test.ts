import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.ts';
import { backupDatabase } from '../src/maintenance/backup-database.ts';
import { restoreDatabase, RestoreRefusedError } from '../src/maintenance/restore-database.ts';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { packageDir, tempDir } from './helpers/fixtures.ts';

const writerScript = fileURLToPath(new URL('./helpers/writer-child.ts', import.meta.url));

async function seededPokecode(dir: string, rows = 20_000) {
  const path = join(dir, 'pokecode.db');
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', { rows });
  handle.close();
  return path;
}

/** Every table's rows in rowid order, as stored. */
function dumpFile(path: string): Record<string, unknown[]> {
  const sqlite = new Database(path, { readonly: true });
  try {
    const tables = sqlite
      .prepare(
        "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type != 'view' ORDER BY name",
      )
      .all() as Array<{ name: string; wr: number }>;
    // A WITHOUT ROWID table (FTS5's _config) reads in its primary key's order.
    return Object.fromEntries(
      tables.map(({ name, wr }) => [
        name,
        sqlite
          .prepare(`SELECT * FROM "${name}"${wr ? '' : ' ORDER BY rowid'}`)
          .raw()
          .all(),
      ]),
    );
  } finally {
    sqlite.close();
  }
}

describe('online backup', () => {
  it('is consistent and verified while another process writes continuously', async () => {
    const dir = tempDir();
    const path = await seededPokecode(dir);
    const writer = spawn(process.execPath, ['--import', 'tsx', writerScript, path], {
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
      const backups = [];
      for (let i = 0; i < 3; i++) backups.push(await backupDatabase(path, join(dir, `b${i}.bak`)));

      for (const report of backups) {
        const copy = new Database(report.path, { readonly: true });
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        // One snapshot: the writer's message rows and its counter moved together.
        const written = copy
          .prepare("SELECT count(*) FROM session_messages WHERE id LIKE 'writer-%'")
          .pluck()
          .get() as number;
        const counted = copy
          .prepare(
            'SELECT sum(message_count) - (SELECT count(*) FROM session_messages) FROM sessions',
          )
          .pluck()
          .get();
        expect(written % 100).toBe(0);
        expect(counted).toBe(0);
        expect(report.counts.session_messages).toBe(
          copy.prepare('SELECT count(*) FROM session_messages').pluck().get(),
        );
        copy.close();
      }
      // The writer kept committing during the backups: they did not block it.
      expect(backups.at(-1)!.counts.session_messages).toBeGreaterThan(
        backups[0]!.counts.session_messages!,
      );
    } finally {
      writer.kill('SIGKILL');
      await exited;
    }
  });
});

describe('restore', () => {
  it('round-trips: the restored file has identical rows, the replaced file is kept aside', async () => {
    const dir = tempDir();
    const path = await seededPokecode(dir, 3_000);
    const before = dumpFile(path);
    const backup = await backupDatabase(path, join(dir, 'backups', 'x.bak'));

    // Change the live file after the backup: the restore must bring back the backup's rows.
    const sqlite = new Database(path);
    sqlite.exec('DELETE FROM session_messages; DELETE FROM job_queue');
    sqlite.close();
    const changed = dumpFile(path);

    const report = await restoreDatabase(
      'pokecode',
      path,
      backup.path,
      new Date('2025-01-02T03:04:05Z'),
    );
    expect(dumpFile(path)).toEqual(before);
    expect(report.asidePath).toBe(`${path}.before-restore-2025-01-02T03-04-05.000Z`);
    expect(dumpFile(report.asidePath!)).toEqual(changed);
    expect(report.pendingMigrations).toEqual([]);
  });

  it('refuses a corrupt backup and leaves the database untouched', async () => {
    const dir = tempDir();
    const path = await seededPokecode(dir, 1_000);
    const before = readFileSync(path);
    const truncated = join(dir, 'truncated.bak');
    const good = await backupDatabase(path, join(dir, 'good.bak'));
    const bytes = readFileSync(good.path);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const garbage = join(dir, 'garbage.bak');
    writeFileSync(garbage, 'not a database at all, just text');
    for (const bad of [truncated, garbage, join(dir, 'missing.bak')]) {
      await expect(restoreDatabase('pokecode', path, bad)).rejects.toThrow(RestoreRefusedError);
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a backup from a newer schema (a migration this build does not know)', async () => {
    const dir = tempDir();
    const path = await seededPokecode(dir, 1_000);
    const newer = join(dir, 'newer.bak');
    copyFileSync((await backupDatabase(path, join(dir, 'b.bak'))).path, newer);
    const sqlite = new Database(newer);
    sqlite
      .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      .run('f'.repeat(64), Date.now());
    sqlite.close();
    await expect(restoreDatabase('pokecode', path, newer)).rejects.toThrow(/newer schema/);
    expect(existsSync(path)).toBe(true);
  });
});
