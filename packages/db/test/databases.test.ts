import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '@agentstate/schema/migrations';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { describe, expect, it } from 'vitest';
import { databaseNames } from '@agentstate/schema';
import {
  InvalidMigrationsError,
  loadMigrations,
  openDatabase,
  planMigrations,
  readAppliedMigrations,
} from '../src/index.ts';
import { Database, drizzleOrmMigrate, tempDir } from './helpers/fixtures.ts';

describe.each(databaseNames)('the %s database', (name) => {
  const folder = migrationsFolder(name);

  it('has embedded migrations identical to its drizzle-kit folder, hashed as drizzle-orm does', () => {
    const embedded = loadMigrations(name);
    if (!existsSync(join(folder, 'meta', '_journal.json'))) {
      expect(embedded).toEqual([]);
      return;
    }
    expect(embedded).toEqual(loadMigrations({ folder }));
    const theirs = readMigrationFiles({ migrationsFolder: folder });
    expect(embedded.map((m) => [m.hash, m.when])).toEqual(
      theirs.map((m) => [m.hash, m.folderMillis]),
    );
  });

  it('migrates from empty, then is up to date on the next open', async () => {
    const path = join(tempDir(), `${name}.db`);
    const first = await openDatabase(name, { path, migrate: { log: () => {} } });
    const migrations = loadMigrations(name);
    expect(first.migration?.applied).toEqual(migrations.map((m) => m.tag));
    expect(first.sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(first.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    first.close();

    const second = await openDatabase(name, { path });
    expect(second.migration).toEqual({ path, applied: [], backupPath: undefined });
    expect(readAppliedMigrations(second.sqlite)).toHaveLength(migrations.length);
    second.close();
  });

  it('is up to date for drizzle-orm after this migrator, and the other way round', async () => {
    if (!existsSync(join(folder, 'meta', '_journal.json'))) return;
    const ours = await openDatabase(name, { path: ':memory:' });
    drizzleOrmMigrate(ours.sqlite, folder); // throws "already exists" if it re-applied anything
    const theirs = new Database(':memory:');
    drizzleOrmMigrate(theirs, folder);
    expect(planMigrations(theirs, loadMigrations(name)).pending).toEqual([]);
    ours.close();
  });
});

describe('loadMigrations', () => {
  it('rejects a folder without a journal, naming it', () => {
    const dir = tempDir();
    expect(() => loadMigrations({ folder: dir })).toThrow(InvalidMigrationsError);
    expect(() => loadMigrations({ folder: dir })).toThrow(dir);
  });

  it('rejects embedded migrations whose hash does not match their text', () => {
    const [first] = loadMigrations({ folder: migrationsFolder('multishot') });
    if (!first) return;
    expect(() => loadMigrations({ embedded: [{ ...first, sql: `${first.sql}\n` }] })).toThrow(
      /does not match/,
    );
  });
});

describe('databaseNames', () => {
  it('are the schema package’s names, in its order', async () => {
    const schema = await import('@agentstate/schema');
    expect(databaseNames).toEqual(schema.databaseNames);
  });
});
