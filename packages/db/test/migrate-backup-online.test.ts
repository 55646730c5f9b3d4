import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openConnection, openDatabase } from '../src/index.ts';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { tempDir } from './helpers/fixtures.ts';
import {
  appendedSeqs,
  killGroup,
  spawnAppendWriter,
  type AppendWriter,
} from './helpers/replication.ts';

/**
 * The migrator copies the file before taking the write lock and only the WAL under it. With a
 * writer committing all along, its backup must still be exactly the state the migration started
 * from: every commit made before the lock, none made after the migration.
 */
describe('the pre-migration backup under a writer', () => {
  const writers: AppendWriter[] = [];
  afterEach(() => {
    for (const writer of writers.splice(0)) killGroup(writer.process.pid);
  });

  it('holds every commit before the lock and none after the migration', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    const all = loadMigrations('pokecode');
    const handle = await openDatabase('pokecode', {
      path,
      migrate: { log: () => {}, migrations: all.slice(0, -1) },
    });
    seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', { rows: 20_000 });
    handle.close();

    const writer = spawnAppendWriter(path, 0);
    writers.push(writer);
    await writer.waitFor(200);
    const sqlite = openConnection(path);
    let lockedAt = 0;
    let committedAt = 0;
    const result = await migrate(sqlite, all, {
      log: () => {},
      backup: { dir: join(dir, 'backups') },
      onEvent: (event) => {
        if (event.type === 'locked') lockedAt = Date.now();
        if (event.type === 'committed') committedAt = Date.now();
      },
    });
    sqlite.close();
    await writer.waitFor(writer.appends.length + 50);
    await writer.stop();

    expect(result.applied).toEqual([all.at(-1)!.tag]);
    const backup = result.backupPath!;
    // Only the finished backup is left: no copy in progress, no WAL beside it.
    expect(readdirSync(join(dir, 'backups'))).toEqual([backup.split('/').at(-1)]);
    const copy = new Database(backup, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    // The state before the migration: every step but the last recorded, the last one not run.
    const recorded = copy.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
    expect(recorded).toBe(all.length - 1);
    copy.close();
    const held = new Set(appendedSeqs(backup));
    const before = writer.appends.filter((a) => a.committedBy < lockedAt).map((a) => a.seq);
    const after = writer.appends.filter((a) => a.committedBy > committedAt).map((a) => a.seq);
    expect(before.length).toBeGreaterThan(100);
    expect(after.length).toBeGreaterThan(0);
    expect(before.filter((seq) => !held.has(seq))).toEqual([]);
    expect(after.filter((seq) => held.has(seq))).toEqual([]);
  });
});
