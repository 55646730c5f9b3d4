import { betterSqlite3Of } from '../driver/better-sqlite3.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { isDataStep } from '@agentstate/schema/data-migration';
import type { Migration } from './load-migrations.ts';
import { migrationStatements } from './statements.ts';

/**
 * Runs one step inside the migrator's transaction: its SQL statements, then its TypeScript data
 * migration if it has one. A data step whose function is not loaded (migrations read from a
 * folder, which cannot import it) fails rather than being recorded as applied without its work.
 */
export function applyStep(sqlite: SqliteConnection, migration: Migration): void {
  for (const statement of migrationStatements(migration)) sqlite.exec(statement);
  // A data step's typed handle is drizzle's better-sqlite3 session.
  if (migration.data) migration.data(betterSqlite3Of(sqlite));
  else if (isDataStep(migration)) {
    throw new Error(
      `${migration.tag} is a TypeScript data migration and its function is not loaded: ` +
        'migrate with the embedded migrations (they import it), not the folder',
    );
  }
}

const schemaOnly = new WeakMap<readonly Migration[], readonly Migration[]>();

/**
 * For building schemas only (lint, drift, adoption's targets): a data step's work changes rows,
 * never the schema, and its function is the user's code, which must not run (nor fail) on a
 * scratch database. Every data step's work becomes a no-op. The same list for the same input, so
 * schemas cached per list stay cached.
 */
export function withoutDataWork(migrations: readonly Migration[]): readonly Migration[] {
  if (!migrations.some((m) => isDataStep(m))) return migrations;
  let out = schemaOnly.get(migrations);
  if (!out) {
    out = migrations.map((m) => (isDataStep(m) ? { ...m, data: () => {} } : m));
    schemaOnly.set(migrations, out);
  }
  return out;
}
