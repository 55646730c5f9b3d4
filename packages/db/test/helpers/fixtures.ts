import { betterSqlite3Of } from '../../src/driver/better-sqlite3.ts';
import type { SqliteConnection } from '../../src/driver/types.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as drizzleMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { onTestFinished } from 'vitest';

export type FixtureName = 'cascade' | 'cascade-v1' | 'edited' | 'ordering';

/** A drizzle-kit output folder under test/fixtures/migrations (see test/fixtures/generate.ts). */
export function fixtureFolder(name: FixtureName): string {
  return fileURLToPath(new URL(`../fixtures/migrations/${name}`, import.meta.url));
}

export const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/** A fresh temp folder; the caller removes it (see `tempDir` inside a test). */
export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'agentstate-db-'));
}

/** A fresh temp folder removed when the current test ends. */
export function tempDir(): string {
  const dir = makeTempDir();
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** drizzle-orm's own migrator on a plain better-sqlite3 connection: the baseline and regression. */
export function drizzleOrmMigrate(sqlite: SqliteConnection, folder: string): void {
  drizzleMigrate(drizzle(betterSqlite3Of(sqlite)), { migrationsFolder: folder });
}

export function count(sqlite: SqliteConnection, table: string): number {
  return sqlite.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
}

export function tableNames(sqlite: SqliteConnection): string[] {
  return sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
}

export function columnType(
  sqlite: SqliteConnection,
  table: string,
  column: string,
): string | undefined {
  const columns = sqlite.prepare(`PRAGMA table_info("${table}")`).all() as Array<{
    name: string;
    type: string;
  }>;
  return columns.find((c) => c.name === column)?.type.toLowerCase();
}

/** Parents with `childrenPerParent` ON DELETE CASCADE children each, in one transaction. */
export function seedParents(
  sqlite: SqliteConnection,
  parents: number,
  childrenPerParent: number,
): void {
  const insertParent = sqlite.prepare('INSERT INTO parents (id, name, rank) VALUES (?, ?, ?)');
  const insertChild = sqlite.prepare('INSERT INTO children (parent_id, label) VALUES (?, ?)');
  sqlite.transaction(() => {
    for (let id = 1; id <= parents; id++) {
      insertParent.run(id, `parent ${id}`, id % 100);
      for (let c = 0; c < childrenPerParent; c++) insertChild.run(id, `child ${c} of ${id}`);
    }
  })();
}

export { Database };
