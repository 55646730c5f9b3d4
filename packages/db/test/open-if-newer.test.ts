import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, NewerDatabaseError, openDatabase, type Migration } from '../src/index.ts';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { tempDir } from './helpers/fixtures.ts';
import { sha256File } from './helpers/original-tools.ts';

const quiet = { log: () => {}, backup: false as const };

/** A pokecode file a newer build migrated: one more step, which this build does not know. */
async function fromNewerBuild(): Promise<string> {
  const path = join(tempDir(), 'pokecode.db');
  const current = loadMigrations('pokecode');
  const last = current.at(-1)!;
  const sql = 'ALTER TABLE `sessions` ADD `pinned` integer DEFAULT 0 NOT NULL;';
  const newer: Migration = {
    idx: last.idx + 1,
    tag: '9000_pin_sessions',
    when: last.when + 1,
    breakpoints: true,
    sql,
    hash: hashMigration(sql),
  };
  const handle = await openDatabase('pokecode', {
    path,
    migrate: { ...quiet, migrations: [...current, newer] },
  });
  handle.sqlite
    .prepare(
      "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at, pinned) VALUES ('s1', 'claude-code', '/p', 'n', 1, 1, 1, 1)",
    )
    .run();
  handle.close();
  return path;
}

describe("openDatabase(name, { ifNewer: 'read-only' })", () => {
  it('refuses a file from a newer build by default, changing nothing', async () => {
    const path = await fromNewerBuild();
    const before = sha256File(path);
    await expect(openDatabase('pokecode', { path })).rejects.toBeInstanceOf(NewerDatabaseError);
    expect(sha256File(path)).toBe(before);
  });

  it('opens it read-only instead: its rows read, a write refused, the file unchanged', async () => {
    const path = await fromNewerBuild();
    const before = sha256File(path);
    const handle = await openDatabase('pokecode', { path, ifNewer: 'read-only' });
    expect(handle.stateBefore).toBe('newer');
    expect(handle.migration).toBeUndefined();
    expect(handle.sqlite.pragma('query_only', { simple: true })).toBe(1);
    expect(handle.sqlite.prepare('SELECT id, pinned FROM sessions').all()).toEqual([
      { id: 's1', pinned: 1 },
    ]);
    expect(() => handle.sqlite.prepare("DELETE FROM sessions WHERE id = 's1'").run()).toThrow(
      /readonly/,
    );
    handle.close();
    expect(sha256File(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('still migrates a file this build knows', async () => {
    const path = join(tempDir(), 'pokecode.db');
    const handle = await openDatabase('pokecode', {
      path,
      ifNewer: 'read-only',
      migrate: quiet,
    });
    expect(handle.sqlite.pragma('query_only', { simple: true })).toBe(0);
    expect(handle.migration?.applied).toEqual(loadMigrations('pokecode').map((m) => m.tag));
    handle.close();
  });
});
