import type { SqliteConnection, SqliteStatement } from '../driver/types.ts';
import type { Migration } from './load-migrations.ts';

/** drizzle-orm's bookkeeping table: sharing it keeps databases interchangeable with `migrate()`. */
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/**
 * drizzle-orm 0.45's statement, whitespace included, so `sqlite_master` reads the same whichever
 * migrator created the table. `id SERIAL` is not a rowid alias in SQLite: drizzle-orm's rows have
 * `id` NULL, and so do these.
 */
export const CREATE_MIGRATIONS_TABLE_SQL = `
\t\t\tCREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (
\t\t\t\tid SERIAL PRIMARY KEY,
\t\t\t\thash text NOT NULL,
\t\t\t\tcreated_at numeric
\t\t\t)
\t\t`;

/** One `__drizzle_migrations` row: `createdAt` is the migration's journal `when`, not when it ran. */
export interface AppliedMigration {
  id: number | null;
  hash: string;
  createdAt: number;
}

interface Statements {
  tableExists: SqliteStatement<[], 1 | undefined>;
  select?: SqliteStatement<
    [],
    { id: number | null; hash: string; created_at: number | string | null }
  >;
  insert?: SqliteStatement<[string, number]>;
}

// Prepared once per connection: the start-up check runs on every open.
const cache = new WeakMap<SqliteConnection, Statements>();

function statements(sqlite: SqliteConnection): Statements {
  let cached = cache.get(sqlite);
  if (!cached) {
    cached = {
      tableExists: sqlite
        .prepare<[], 1>(
          `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${MIGRATIONS_TABLE}'`,
        )
        .pluck(),
    };
    cache.set(sqlite, cached);
  }
  return cached;
}

/** The recorded migrations, or none when the table does not exist. Never writes. */
export function readAppliedMigrations(sqlite: SqliteConnection): AppliedMigration[] {
  const s = statements(sqlite);
  if (s.tableExists.get() === undefined) return [];
  s.select ??= sqlite.prepare(`SELECT id, hash, created_at FROM "${MIGRATIONS_TABLE}"`);
  return s.select
    .all()
    .map((row) => ({ id: row.id, hash: row.hash, createdAt: Number(row.created_at) }));
}

export function ensureMigrationsTable(sqlite: SqliteConnection): void {
  sqlite.exec(CREATE_MIGRATIONS_TABLE_SQL);
}

/** drizzle-orm's insert of one applied migration: `hash`, then the journal `when`. */
export const RECORD_MIGRATION_SQL = `INSERT INTO "${MIGRATIONS_TABLE}" ("hash", "created_at") VALUES(?, ?)`;

/** Records a migration as drizzle-orm does: hash and journal `when`, `id` left NULL. */
export function recordMigration(
  sqlite: SqliteConnection,
  migration: Pick<Migration, 'hash' | 'when'>,
): void {
  const s = statements(sqlite);
  s.insert ??= sqlite.prepare(RECORD_MIGRATION_SQL);
  s.insert.run(migration.hash, migration.when);
}
