import type { SqliteConnection } from '../src/driver/types.ts';
import { describe, expect, it } from 'vitest';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { loadMigrations, migrate, openConnection, planMigrations } from '../src/index.ts';
import { MIGRATIONS_TABLE } from '../src/migrate/migrations-table.ts';
import {
  Database,
  drizzleOrmMigrate,
  fixtureFolder,
  type FixtureName,
} from './helpers/fixtures.ts';

function bookkeeping(sqlite: SqliteConnection) {
  return {
    ddl: sqlite
      .prepare('SELECT sql FROM sqlite_master WHERE name = ?')
      .pluck()
      .get(MIGRATIONS_TABLE),
    rows: sqlite
      .prepare(
        `SELECT id, hash, created_at, typeof(created_at) AS type FROM "${MIGRATIONS_TABLE}" ORDER BY created_at`,
      )
      .all(),
    schema: sqlite
      .prepare('SELECT type, name, sql FROM sqlite_master WHERE name <> ? ORDER BY name')
      .all(MIGRATIONS_TABLE),
  };
}

describe.each<FixtureName>(['cascade', 'ordering'])(
  'drizzle-orm compatibility (%s fixture)',
  (fixture) => {
    const folder = fixtureFolder(fixture);
    const migrations = loadMigrations({ folder });

    it("reads migrations with the same hashes and times as drizzle-orm's readMigrationFiles", () => {
      const theirs = readMigrationFiles({ migrationsFolder: folder });
      expect(migrations.map((m) => [m.hash, m.when])).toEqual(
        theirs.map((m) => [m.hash, m.folderMillis]),
      );
    });

    it('a database migrated by drizzle-orm is up to date for this migrator', async () => {
      const sqlite = new Database(':memory:');
      drizzleOrmMigrate(sqlite, folder);
      const before = bookkeeping(sqlite);

      expect(planMigrations(sqlite, migrations).pending).toEqual([]);
      const result = await migrate(sqlite, migrations, { log: () => {} });

      expect(result.applied).toEqual([]);
      expect(bookkeeping(sqlite)).toEqual(before);
    });

    it('a database migrated by this migrator is up to date for drizzle-orm, with identical rows', async () => {
      const ours = openConnection(':memory:');
      await migrate(ours, migrations, { log: () => {} });
      const theirs = new Database(':memory:');
      drizzleOrmMigrate(theirs, folder);
      expect(bookkeeping(ours)).toEqual(bookkeeping(theirs));

      // drizzle-orm would fail with "table already exists" if it thought anything was pending.
      drizzleOrmMigrate(ours, folder);
      expect(bookkeeping(ours)).toEqual(bookkeeping(theirs));
    });
  },
);
