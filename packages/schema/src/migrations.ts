import { fileURLToPath } from 'node:url';
import type { DataMigrationRun } from './data-migration.ts';
import { databases, type DatabaseName } from './registry.ts';

/**
 * One drizzle-kit migration, as data. `hash` is the sha256 of `sql` exactly as drizzle-orm's
 * `readMigrationFiles` computes it, so a database migrated from the embedded copy and one migrated
 * from the folder record identical `__drizzle_migrations` rows.
 */
export interface EmbeddedMigration {
  /** Position in drizzle-kit's journal (`idx`). */
  idx: number;
  /** File name without `.sql`, e.g. `0000_initial_schema`. */
  tag: string;
  /** The journal's `when`: generation time in ms; drizzle-orm stores it as `created_at`. */
  when: number;
  /** Whether statements are separated by `--> statement-breakpoint`. */
  breakpoints: boolean;
  /** The migration file's full text. */
  sql: string;
  /**
   * sha256 (hex) of `sql`; for a data step, of `sql` and its `sourceHash` (kit's `stepHash`), so
   * an edit of its function is an edited step.
   */
  hash: string;
  /** A TypeScript data step's sha256 of its `<tag>.ts` as embedded. */
  sourceHash?: string;
  /**
   * The step's down migration (`<tag>.down.sql`): drizzle-kit's statements from this step's schema
   * back to the previous one, editable. Absent when the step has none (it cannot be rolled back).
   */
  down?: string;
  /**
   * `<tag>.acknowledge`: lint findings acknowledged for a step whose text can no longer change
   * (it is recorded by hash wherever it was applied), one `-- agentstate:acknowledge` line each.
   */
  acknowledge?: string;
  /**
   * `<tag>.squash.sql` (and its down): every step up to this one as one step, which a new file
   * (empty or absent) applies instead of them, recording their rows (`pnpm db:squash`).
   */
  squash?: { sql: string; down?: string };
  /** A TypeScript data migration's function (`<tag>.ts`); its `sql` is then only the marker. */
  data?: DataMigrationRun;
}

/** Every database's migrations as data (each definition's `migrations.generated.ts`). */
export const embeddedMigrations = Object.fromEntries(
  Object.values(databases).map((definition) => [definition.name, definition.migrations]),
) as { readonly [N in DatabaseName]: readonly EmbeddedMigration[] };

/** The drizzle-kit output folder of one database (holds `meta/_journal.json` and the `.sql` files). */
export function migrationsFolder(name: DatabaseName): string {
  return fileURLToPath(databases[name].migrationsFolder);
}
