import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { DatabaseName } from '../src/registry.ts';
import { embeddedMigrations } from '../src/migrations.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder removed after the test. */
export function tempDir(prefix = 'agentstate-schema-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Applies migrations `from` (inclusive) to `to` (exclusive) of a database, each in its own
 * transaction. Enough for schema tests; the data-safe migrator lives in @agentstate/db.
 */
export function applyMigrations(
  db: Database.Database,
  name: DatabaseName,
  { from = 0, to = embeddedMigrations[name].length }: { from?: number; to?: number } = {},
): void {
  for (const migration of embeddedMigrations[name].slice(from, to)) {
    db.transaction(() => {
      for (const statement of migration.sql.split('--> statement-breakpoint')) {
        if (statement.trim()) db.exec(statement);
      }
    })();
  }
}

/** A new SQLite file with foreign keys on and the database's migrations applied. */
export function migratedFile(name: DatabaseName, to?: number): Database.Database {
  const db = new Database(join(tempDir(), `${name}.db`));
  db.pragma('foreign_keys = ON');
  applyMigrations(db, name, to === undefined ? {} : { to });
  return db;
}
