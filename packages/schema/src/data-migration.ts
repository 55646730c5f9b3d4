import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';

/**
 * The first line of a TypeScript data migration's `<tag>.sql`. The SQL file is what drizzle-kit's
 * journal lists and what `__drizzle_migrations` records (its sha256, as for any step); the work is
 * the function in `<tag>.ts` beside it, embedded with the step.
 */
export const DATA_STEP_MARKER = '-- agentstate:data-migration';

/** A data migration as the migrator runs it: on its connection, inside the step's transaction. */
export type DataMigrationRun = (sqlite: Database.Database) => void;

/** Whether a step's SQL is a data migration's marker (its function must be loaded to apply it). */
export function isDataStep(migration: { sql: string }): boolean {
  return migration.sql.trimStart().startsWith(DATA_STEP_MARKER);
}

/**
 * A TypeScript data migration: `run` gets drizzle on the migration's own transaction, typed with
 * `schema`, the tables as of that step (`<tag>.schema.ts`, drizzle-kit's pull of the schema then).
 * It must be synchronous (better-sqlite3 transactions cannot span an await; an async function is
 * a type error); a throw rolls the whole migration back.
 */
export function defineDataMigration<S extends Record<string, unknown>>(
  schema: S,
  run: (db: BetterSQLite3Database<S>) => undefined,
): DataMigrationRun {
  return (sqlite) => {
    const result: unknown = run(drizzle(sqlite, { schema }));
    if (result instanceof Promise) {
      throw new Error(
        'a data migration must be synchronous: it runs inside the transaction (no await)',
      );
    }
  };
}
