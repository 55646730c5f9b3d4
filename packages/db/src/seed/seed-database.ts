import type { DatabaseName } from '@agentstate/schema';
import type Database from 'better-sqlite3';
import { databaseTables, insertionOrder } from '../schema-info/tables.ts';
import { dipeoSeeder } from './databases/dipeo.ts';
import { engineSeeder } from './databases/engine.ts';
import { mcpmakerSeeder } from './databases/mcpmaker.ts';
import { multishotSeeder } from './databases/multishot.ts';
import { pokecodeSeeder } from './databases/pokecode.ts';
import { SeedContext } from './seed-context.ts';
import type { DatabaseSeeder } from './seeder.ts';
import { SEED_EPOCH_MS } from './table-writer.ts';

export const seeders: Record<DatabaseName, DatabaseSeeder> = {
  mcpmaker: mcpmakerSeeder,
  multishot: multishotSeeder,
  dipeo: dipeoSeeder,
  pokecode: pokecodeSeeder,
  engine: engineSeeder,
};

export const DEFAULT_SEED_ROWS = 1_000;

export interface SeedOptions {
  /** Total rows across all tables (default 1,000). */
  rows?: number;
  /** PRNG seed: the same seed and row count always produce the same rows (default 1). */
  seed?: number;
  /** The data's "now" (default 2025-06-01T00:00:00Z, so seeds never depend on the clock). */
  now?: Date;
  /** Add rows to a database that already has some (default: refuse). */
  append?: boolean;
  /** Called after each committed batch with rows written so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  /** Rows written per table (SQL names). */
  tables: Record<string, number>;
  total: number;
}

/** Thrown when a database already has rows and `append` was not given. */
export class DatabaseNotEmptyError extends Error {
  override readonly name = 'DatabaseNotEmptyError';
  constructor(readonly rows: Record<string, number>) {
    const list = Object.entries(rows)
      .map(([table, n]) => `${table}: ${n}`)
      .join(', ');
    super(`the database already has rows (${list}); pass --append to add seed rows anyway`);
  }
}

/** Rows per table, only the tables that have any. */
export function nonEmptyTables(
  sqlite: Database.Database,
  name: DatabaseName,
): Record<string, number> {
  const found: Record<string, number> = {};
  for (const { name: table } of databaseTables(name)) {
    const n = sqlite.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
    if (n > 0) found[table] = n;
  }
  return found;
}

/**
 * Fills a migrated database with realistic, deterministic rows: enums from their value lists, JSON
 * in the shapes the zod schemas check, every reference pointing at a row that exists. Rows are
 * written in `BEGIN IMMEDIATE` transactions of 10,000. If writing fails on a database that was
 * empty, the rows written so far are deleted again, so it is left empty.
 */
export function seedDatabase(
  sqlite: Database.Database,
  name: DatabaseName,
  options: SeedOptions = {},
): SeedResult {
  const rows = options.rows ?? DEFAULT_SEED_ROWS;
  if (!Number.isSafeInteger(rows) || rows < 1)
    throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const existing = nonEmptyTables(sqlite, name);
  const wasEmpty = Object.keys(existing).length === 0;
  if (!wasEmpty && !options.append) throw new DatabaseNotEmptyError(existing);

  const seeder = seeders[name];
  const counts = seeder.plan(rows);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  let done = 0;
  const ctx = new SeedContext(
    sqlite,
    options.seed ?? 1,
    (options.now ?? new Date(SEED_EPOCH_MS)).getTime(),
    !wasEmpty,
    (n) => {
      done += n;
      options.onProgress?.(done, total);
    },
  );
  try {
    seeder.run(ctx, counts);
  } catch (error) {
    if (wasEmpty) emptyAllTables(sqlite, name);
    throw error;
  }
  const tables: Record<string, number> = {};
  for (const writer of ctx.writers)
    tables[writer.name] = (tables[writer.name] ?? 0) + writer.written;
  return { tables, total: done };
}

function emptyAllTables(sqlite: Database.Database, name: DatabaseName): void {
  const order = insertionOrder(databaseTables(name)).reverse();
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) as number;
  // Circular references (multishot) cannot be deleted in any order with foreign keys on.
  sqlite.pragma('foreign_keys = OFF');
  try {
    sqlite
      .transaction(() => {
        for (const { name: table } of order) sqlite.prepare(`DELETE FROM "${table}"`).run();
      })
      .immediate();
  } finally {
    sqlite.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
}
