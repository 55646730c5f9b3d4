import type { SqliteConnection } from '../driver/types.ts';
import { inspectDatabase, type AdoptionState, type Inspection } from '../adopt/inspect.ts';
import { AdoptionConflictError } from '../adopt/report.ts';
import { targetSteps } from '../adopt/target-schema.ts';
import type { Migration } from '../migrate/load-migrations.ts';
import { assertMigratable } from '../migrate/migrate.ts';
import { planMigrations, type MigrationPlan } from '../migrate/plan.ts';
import { examineDatabaseFile, type DatabaseFile } from './database-file.ts';
import { readDatabaseFile } from './read-only.ts';

export interface FileInspection {
  file: DatabaseFile;
  /** `new` also for a missing or empty file. */
  state: AdoptionState;
  /** Undefined for a missing or empty file. */
  inspection: Inspection | undefined;
  plan: MigrationPlan | undefined;
}

/**
 * Where a database file stands (new, managed, adoptable, conflict, newer, edited), found without
 * writing anything: the file is examined (a directory, an unreadable file, one that is not a SQLite
 * database or has a damaged header throw a `DatabaseFileError`), then read through
 * `readDatabaseFile`, which leaves no `-wal` or `-shm` behind.
 */
export async function inspectDatabaseFile(
  path: string,
  migrations: readonly Migration[],
  /** Also list a managed file's tables outside the schema (builds every step: for status, not opens). */
  options: { outsideTables?: boolean } = {},
): Promise<FileInspection> {
  const file = examineDatabaseFile(path);
  if (file.bytes === 0) return { file, state: 'new', inspection: undefined, plan: undefined };
  return readDatabaseFile(path, async (reader, seen) => {
    // Comparing schemas needs every migration step built in memory: only for a foreign file.
    const steps =
      options.outsideTables || comparesSchemas(reader, migrations)
        ? await targetSteps(migrations)
        : [];
    const inspection = inspectDatabase(reader, migrations, steps);
    return {
      file: seen,
      state: inspection.state,
      inspection,
      plan: planMigrations(reader, migrations),
    };
  });
}

/**
 * Throws what opening the file for writing would be refused with, so it is refused before anything
 * is written: AdoptionConflictError for a conflict, the migrator's errors for a newer or edited one.
 */
export function refuseUnusable(found: FileInspection): void {
  const { file, inspection, plan } = found;
  if (!inspection || !plan) return;
  if (inspection.state === 'conflict') {
    throw new AdoptionConflictError(file.path, inspection.baseline?.tag, inspection.differences);
  }
  if (inspection.state === 'newer' || inspection.state === 'edited')
    assertMigratable(file.path, plan);
}

/**
 * True when `inspectDatabase` compares schemas: none of this project's migrations is recorded and
 * the file has tables (or views, triggers) or another tool's history. Two reads, so opening a managed file stays cheap.
 */
function comparesSchemas(sqlite: SqliteConnection, migrations: readonly Migration[]): boolean {
  const plan = planMigrations(sqlite, migrations);
  if (plan.applied.length > 0 || plan.edited.length > 0) return false;
  if (plan.unknown.length > 0) return true;
  return (
    sqlite
      .prepare(
        "SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND tbl_name NOT LIKE '\\_\\_%' ESCAPE '\\' LIMIT 1",
      )
      .get() !== undefined
  );
}
