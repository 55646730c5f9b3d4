import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openConnection, planMigrations } from '../src/index.ts';
import { Database, drizzleOrmMigrate, fixtureFolder, tableNames } from './helpers/fixtures.ts';

// The ordering fixture: 0002_add_tags was generated on another branch before 0001_add_projects
// and merged after it, so its journal `when` is older than 0001's.
describe('a migration merged later with an older timestamp', () => {
  const all = loadMigrations({ folder: fixtureFolder('ordering') });
  const beforeMerge = all.slice(0, 2);

  it('has an older timestamp than the migration before it (the fixture is what it claims)', () => {
    expect(all.map((m) => m.tag)).toEqual([
      '0000_create_accounts',
      '0001_add_projects',
      '0002_add_tags',
    ]);
    expect(all[2]!.when).toBeLessThan(all[1]!.when);
  });

  it('is still applied by this migrator', async () => {
    const sqlite = openConnection(':memory:');
    await migrate(sqlite, beforeMerge, { log: () => {} });
    expect(planMigrations(sqlite, all).pending.map((m) => m.tag)).toEqual(['0002_add_tags']);

    const result = await migrate(sqlite, all, { log: () => {} });

    expect(result.applied).toEqual(['0002_add_tags']);
    expect(tableNames(sqlite)).toContain('tags');
    expect(planMigrations(sqlite, all).pending).toEqual([]);
  });

  it('applies pending migrations in journal order, not timestamp order', async () => {
    const sqlite = openConnection(':memory:');
    const tags: string[] = [];
    await migrate(sqlite, all, {
      log: () => {},
      onEvent: (e) => e.type === 'migration-start' && tags.push(e.tag),
    });
    expect(tags).toEqual(all.map((m) => m.tag));
  });

  // Regression kept on purpose (drizzle-orm issues 5316, 5769): drizzle-orm compares timestamps
  // only, so the merged migration is skipped silently.
  it("is silently skipped by drizzle-orm's migrate()", async () => {
    const sqlite = new Database(':memory:');
    await migrate(sqlite, beforeMerge, { log: () => {} });
    drizzleOrmMigrate(sqlite, fixtureFolder('ordering'));
    expect(tableNames(sqlite)).not.toContain('tags');
  });
});
