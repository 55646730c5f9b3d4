import type Database from 'better-sqlite3';
import { databaseTables } from '../introspect/tables.ts';
import { definitionOf, type DatabaseName } from '../registry.ts';
import { DatabaseSeedContext } from './seed-context.ts';
import { SEED_EPOCH_MS } from './table-writer.ts';

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
  /** Called after each batch written (not yet committed) with rows written so far and the total. */
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
 * in the shapes the zod schemas check, every reference pointing at a row that exists.
 *
 * The whole seed is one `BEGIN IMMEDIATE` transaction, the check for existing rows included: it
 * commits every row or none (an error, a killed process, a power cut), and other writers wait for
 * it. Rows are written 10,000 at a time, so memory stays flat; SQLite spills what does not fit its
 * page cache to the WAL, which grows to about the size of the rows written until the commit lets
 * it be checkpointed (then it is truncated again).
 *
 * Appending adds the same kind of rows beside existing ones, whatever `seed`: every key skips the
 * keys already stored (see SeedContext.hexKey), numbered slugs start past the stored ones, and
 * tables that hold a fixed set of keys (mcpmaker `config`, multishot `credentials`) are left as
 * they are, their share of `rows` going to the other tables.
 */
export function seedDatabase(
  sqlite: Database.Database,
  name: DatabaseName,
  options: SeedOptions = {},
): SeedResult {
  const rows = options.rows ?? DEFAULT_SEED_ROWS;
  if (!Number.isSafeInteger(rows) || rows < 1)
    throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const { seeder } = definitionOf(name);
  const seed = sqlite.transaction((): SeedResult => {
    const existing = nonEmptyTables(sqlite, name);
    const append = Object.keys(existing).length > 0;
    if (append && !options.append) throw new DatabaseNotEmptyError(existing);

    const counts = seeder.plan(rows, append);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    let done = 0;
    const ctx = new DatabaseSeedContext(
      sqlite,
      options.seed ?? 1,
      (options.now ?? new Date(SEED_EPOCH_MS)).getTime(),
      append,
      (n) => {
        done += n;
        options.onProgress?.(done, total);
      },
    );
    seeder.run(ctx, counts);
    const tables: Record<string, number> = {};
    for (const writer of ctx.writers)
      tables[writer.name] = (tables[writer.name] ?? 0) + writer.written;
    return { tables, total: done };
  });
  const result = seed.immediate();
  // The WAL holds every page the seed wrote; fold it in and give the space back now.
  if (result.total > 0 && sqlite.pragma('journal_mode', { simple: true }) === 'wal')
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return result;
}
