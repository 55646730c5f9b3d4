import type { Migration } from './load-migrations.ts';

export const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

/** drizzle-kit's own toggles: the migrator switches foreign keys itself, outside the transaction. */
const FOREIGN_KEYS_PRAGMA = /^\s*PRAGMA\s+foreign_keys\s*=\s*\w+\s*;?\s*$/i;

/**
 * A migration's statements, split exactly as drizzle-orm splits them. drizzle-kit's
 * `PRAGMA foreign_keys=OFF/ON` are dropped: inside a transaction SQLite ignores them anyway
 * (which is how drizzle-orm issue 5782 deletes child rows), and foreign keys stay off until COMMIT.
 */
export function migrationStatements(migration: Pick<Migration, 'sql'>): string[] {
  return migration.sql
    .split(STATEMENT_BREAKPOINT)
    .filter((statement) => statement.trim() !== '' && !FOREIGN_KEYS_PRAGMA.test(statement));
}
