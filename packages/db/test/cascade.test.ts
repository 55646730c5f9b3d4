import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openConnection } from '../src/index.ts';
import {
  columnType,
  count,
  Database,
  drizzleOrmMigrate,
  fixtureFolder,
  seedParents,
  tempDir,
} from './helpers/fixtures.ts';

// The cascade fixture: 0000 creates `parents` and ON DELETE CASCADE `children`; 0001 changes a
// column type of `parents`, which drizzle-kit generates as a table rebuild (DROP TABLE parents).
describe('table rebuild of a parent with ON DELETE CASCADE children', () => {
  it('keeps every child row with this migrator', async () => {
    const sqlite = openConnection(join(tempDir(), 'app.db'));
    await migrate(sqlite, loadMigrations({ folder: fixtureFolder('cascade-v1') }), {
      log: () => {},
    });
    seedParents(sqlite, 50, 3);

    const result = await migrate(sqlite, loadMigrations({ folder: fixtureFolder('cascade') }), {
      log: () => {},
    });

    expect(result.applied).toEqual(['0001_rebuild_parents']);
    expect(columnType(sqlite, 'parents', 'rank')).toBe('real');
    expect(count(sqlite, 'parents')).toBe(50);
    expect(count(sqlite, 'children')).toBe(150);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    // Foreign keys are enforced again after the migration.
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      sqlite.prepare('INSERT INTO children (parent_id, label) VALUES (999, ?)').run('x'),
    ).toThrow(/FOREIGN KEY/);
    sqlite.prepare('DELETE FROM parents WHERE id = 1').run();
    expect(count(sqlite, 'children')).toBe(147);
    sqlite.close();
  });

  // Regression kept on purpose: drizzle-orm issue 5782 is why this migrator exists. If this starts
  // failing, drizzle-orm fixed the bug and the note in reference/toolchain.md needs updating.
  it("loses every child row through drizzle-orm's migrate()", () => {
    const sqlite = new Database(join(tempDir(), 'app.db'));
    sqlite.pragma('foreign_keys = ON');
    drizzleOrmMigrate(sqlite, fixtureFolder('cascade-v1'));
    seedParents(sqlite, 50, 3);

    drizzleOrmMigrate(sqlite, fixtureFolder('cascade'));

    expect(columnType(sqlite, 'parents', 'rank')).toBe('real');
    expect(count(sqlite, 'parents')).toBe(50);
    expect(count(sqlite, 'children')).toBe(0);
    sqlite.close();
  });
});
