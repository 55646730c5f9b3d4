import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createBackup,
  listBackups,
  loadMigrations,
  migrate,
  openConnection,
  type Migration,
} from '../src/index.ts';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import {
  columnType,
  count,
  Database,
  fixtureFolder,
  seedParents,
  tempDir,
} from './helpers/fixtures.ts';

const addTable = (n: number, when: number): Migration => {
  const sql = `CREATE TABLE \`extra_${n}\` (\`id\` integer PRIMARY KEY);`;
  return {
    idx: 1 + n,
    tag: `${String(1 + n).padStart(4, '0')}_extra_${n}`,
    when,
    breakpoints: true,
    sql,
    hash: hashMigration(sql),
  };
};

describe('backups before migrating', () => {
  it('are skipped for a new empty file and for :memory:', async () => {
    const dir = tempDir();
    const file = openConnection(join(dir, 'app.db'));
    const result = await migrate(file, loadMigrations({ folder: fixtureFolder('cascade') }), {
      log: () => {},
    });
    expect(result.backupPath).toBeUndefined();
    expect(existsSync(join(dir, 'backups'))).toBe(false);

    const memory = openConnection(':memory:');
    await migrate(memory, loadMigrations({ folder: fixtureFolder('cascade-v1') }), {
      log: () => {},
    });
    seedParents(memory, 3, 1);
    const again = await migrate(memory, loadMigrations({ folder: fixtureFolder('cascade') }), {
      log: () => {},
    });
    expect(again.applied).toHaveLength(1);
    expect(again.backupPath).toBeUndefined();
  });

  it('hold the pre-migration state in backups/ beside the file (0600), and their path is printed', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.db');
    const sqlite = openConnection(path);
    await migrate(sqlite, loadMigrations({ folder: fixtureFolder('cascade-v1') }), {
      log: () => {},
    });
    seedParents(sqlite, 20, 2);
    const messages: string[] = [];

    const result = await migrate(sqlite, loadMigrations({ folder: fixtureFolder('cascade') }), {
      log: (m) => messages.push(m),
    });

    const backupPath = result.backupPath!;
    expect(backupPath).toMatch(
      /^.+\/backups\/app\.db\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.0001_rebuild_parents\.bak$/,
    );
    expect(backupPath.startsWith(join(dir, 'backups'))).toBe(true);
    expect(statSync(backupPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'backups')).mode & 0o777).toBe(0o700);
    expect(messages.join('\n')).toContain(backupPath);
    expect(readdirSync(join(dir, 'backups'))).toEqual([backupPath.split('/').at(-1)]);

    const backup = new Database(backupPath, { readonly: true });
    expect(backup.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(count(backup, '__drizzle_migrations')).toBe(1);
    expect(count(backup, 'children')).toBe(40);
    expect(columnType(backup, 'parents', 'rank')).toBe('integer');
    backup.close();
  });

  it('keep only the newest N', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.db');
    const sqlite = openConnection(path);
    const base = loadMigrations({ folder: fixtureFolder('cascade') });
    await migrate(sqlite, base, { log: () => {} });
    const all = [...base];
    const written: string[] = [];
    for (let n = 1; n <= 4; n++) {
      all.push(addTable(n, base.at(-1)!.when + n));
      const result = await migrate(sqlite, all, { log: () => {}, backup: { keep: 2 } });
      written.push(result.backupPath!);
    }
    expect(listBackups(path, join(dir, 'backups'))).toEqual(written.slice(-2));
  });

  it('createBackup copies a live database and leaves no partial file', async () => {
    const dir = tempDir();
    const sqlite = openConnection(join(dir, 'live.db'));
    await migrate(sqlite, loadMigrations({ folder: fixtureFolder('cascade') }), { log: () => {} });
    seedParents(sqlite, 100, 1);
    const target = join(dir, 'copies', 'live.bak');

    expect(await createBackup(sqlite, target)).toBe(target);

    expect(readdirSync(join(dir, 'copies'))).toEqual(['live.bak']);
    const copy = new Database(target, { readonly: true });
    expect(count(copy, 'children')).toBe(100);
    copy.close();
  });
});
