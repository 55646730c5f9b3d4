import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MigrationError } from '../src/index.ts';
import {
  EditedMigrationError,
  loadMigrations,
  migrate,
  NewerDatabaseError,
  openConnection,
  openDatabase,
  planMigrations,
  readAppliedMigrations,
} from '../src/index.ts';
import { count, fixtureFolder, seedParents, tempDir } from './helpers/fixtures.ts';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A file database migrated with the cascade fixture and seeded, then closed (WAL checkpointed). */
async function migratedFile(): Promise<string> {
  const path = join(tempDir(), 'app.db');
  const sqlite = openConnection(path);
  await migrate(sqlite, loadMigrations({ folder: fixtureFolder('cascade') }), { log: () => {} });
  seedParents(sqlite, 10, 2);
  sqlite.close();
  return path;
}

describe('an applied migration whose text changed (edited fixture)', () => {
  it('is refused with EDITED_MIGRATION naming the migration and the file, and nothing changes', async () => {
    const path = await migratedFile();
    const before = sha(path);
    const edited = loadMigrations({ folder: fixtureFolder('edited') });

    const error = await openDatabase('multishot', {
      path,
      migrate: { migrations: edited, log: () => {} },
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EditedMigrationError);
    expect((error as MigrationError).code).toBe('EDITED_MIGRATION');
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('0000_create_parents');
    expect((error as EditedMigrationError).edited.map((e) => e.tag)).toEqual([
      '0000_create_parents',
    ]);
    expect(sha(path)).toBe(before);
    expect(existsSync(join(path, '..', 'backups'))).toBe(false);
  });

  it('shows up in the plan without throwing', async () => {
    const path = await migratedFile();
    const sqlite = openConnection(path, { readonly: true });
    const plan = planMigrations(sqlite, loadMigrations({ folder: fixtureFolder('edited') }));
    expect(plan.edited.map((e) => e.tag)).toEqual(['0000_create_parents']);
    expect(plan.pending).toEqual([]);
    expect(plan.unknown).toEqual([]);
    sqlite.close();
  });
});

describe('a database migrated by a newer version (newer-database fixture)', () => {
  // cascade-v1 is the same migrations folder as an older build has it: without 0001.
  const olderBuild = loadMigrations({ folder: fixtureFolder('cascade-v1') });

  it('is refused with NEWER_DATABASE, the file left untouched', async () => {
    const path = await migratedFile();
    const before = sha(path);

    const error = await openDatabase('multishot', {
      path,
      migrate: { migrations: olderBuild, log: () => {} },
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NewerDatabaseError);
    expect((error as MigrationError).code).toBe('NEWER_DATABASE');
    expect((error as Error).message).toMatch(/newer version/);
    expect((error as Error).message).toContain(path);
    expect((error as NewerDatabaseError).unknown).toHaveLength(1);
    expect(sha(path)).toBe(before);
    expect(existsSync(join(path, '..', 'backups'))).toBe(false);

    const sqlite = openConnection(path, { readonly: true });
    expect(readAppliedMigrations(sqlite)).toHaveLength(2);
    expect(count(sqlite, 'children')).toBe(20);
    sqlite.close();
  });

  it('is reported by planMigrations as unknown', async () => {
    const path = await migratedFile();
    const sqlite = openConnection(path, { readonly: true });
    const plan = planMigrations(sqlite, olderBuild);
    expect(plan.unknown).toHaveLength(1);
    expect(plan.applied.map((m) => m.tag)).toEqual(['0000_create_parents']);
    sqlite.close();
  });
});
