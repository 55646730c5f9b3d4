import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ForeignKeyViolationError,
  loadMigrations,
  migrate,
  MigrationFailedError,
  openConnection,
  readAppliedMigrations,
  type Migration,
} from '../src/index.ts';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { count, fixtureFolder, seedParents, tableNames, tempDir } from './helpers/fixtures.ts';

function handWritten(tag: string, sql: string, when: number): Migration {
  return { idx: 99, tag, when, breakpoints: true, sql, hash: hashMigration(sql) };
}

async function seeded() {
  const path = join(tempDir(), 'app.db');
  const sqlite = openConnection(path);
  const base = loadMigrations({ folder: fixtureFolder('cascade') });
  await migrate(sqlite, base, { log: () => {} });
  seedParents(sqlite, 5, 2);
  return { path, sqlite, base, last: base.at(-1)!.when };
}

describe('a migration that breaks foreign keys or fails', () => {
  it('is rolled back on foreign_key_check violations, with the backup named in the error', async () => {
    const { path, sqlite, base, last } = await seeded();
    // With foreign keys off, deleting a parent leaves orphans instead of cascading.
    const orphaning = handWritten(
      '0002_drop_parent',
      'CREATE TABLE `audit` (`id` integer PRIMARY KEY);\n--> statement-breakpoint\nDELETE FROM `parents` WHERE `id` = 1;',
      last + 1,
    );

    const error = await migrate(sqlite, [...base, orphaning], { log: () => {} }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    const violation = error as ForeignKeyViolationError;
    expect(violation.code).toBe('FOREIGN_KEY_VIOLATION');
    expect(violation.tag).toBe('0002_drop_parent');
    expect(violation.violations).toHaveLength(2);
    expect(violation.message).toContain(path);
    expect(violation.message).toContain(`copy ${violation.backupPath} to ${path}`);
    expect(violation.backupPath).toMatch(/backups\/app\.db\..+\.0002_drop_parent\.bak$/);
    // Rolled back whole: parent, children, no new table, nothing recorded.
    expect(count(sqlite, 'parents')).toBe(5);
    expect(count(sqlite, 'children')).toBe(10);
    expect(tableNames(sqlite)).not.toContain('audit');
    expect(readAppliedMigrations(sqlite)).toHaveLength(2);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('rolls back every migration of the run when a later one fails', async () => {
    const { sqlite, base, last } = await seeded();
    const good = handWritten(
      '0002_add_audit',
      'CREATE TABLE `audit` (`id` integer PRIMARY KEY);',
      last + 1,
    );
    const bad = handWritten('0003_broken', 'ALTER TABLE `missing` ADD `x` integer;', last + 2);

    const error = await migrate(sqlite, [...base, good, bad], { log: () => {} }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as MigrationFailedError).code).toBe('MIGRATION_FAILED');
    expect((error as Error).message).toMatch(/0003_broken failed: no such table: missing/);
    expect(tableNames(sqlite)).not.toContain('audit');
    expect(readAppliedMigrations(sqlite)).toHaveLength(2);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
