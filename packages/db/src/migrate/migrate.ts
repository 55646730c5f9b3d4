import type { SqliteConnection } from '../driver/types.ts';
import {
  EditedMigrationError,
  ForeignKeyViolationError,
  MigrationFailedError,
  NewerDatabaseError,
  NotMigratableError,
  type ForeignKeyViolation,
} from './errors.ts';
import type { Migration } from './load-migrations.ts';
import { ensureMigrationsTable, recordMigration } from './migrations-table.ts';
import { planMigrations, type MigrationPlan } from './plan.ts';
import {
  backupUnderLock,
  beginBackupBeforeLock,
  beginImmediate,
  defaultLog,
  DEFAULT_LOCK_TIMEOUT_MS,
  withForeignKeysOff,
  type BackupOptions,
} from './schema-change.ts';
import { migrationUnits } from './squash.ts';

export { DEFAULT_LOCK_TIMEOUT_MS, type BackupOptions };

/** Progress, for a CLI or a test that needs to know where a migration is. */
export type MigrateEvent =
  | { type: 'locked' }
  | { type: 'backup'; path: string }
  | { type: 'migration-start'; tag: string }
  | { type: 'migration-done'; tag: string }
  | { type: 'committed'; applied: string[] };

export interface MigrateOptions {
  /** Backup before changing a non-empty file database; `false` to skip (default: on). */
  backup?: BackupOptions | false;
  /** Human-readable progress; default stderr. Only called when something is applied. */
  log?: (message: string) => void;
  onEvent?: (event: MigrateEvent) => void;
  /** How long to wait for another process that is migrating or writing (default 60 s). */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** The database file, or `:memory:`. */
  path: string;
  /** Tags applied by this call, in order; empty when the database was up to date. */
  applied: string[];
  /** The backup written before applying, if any. */
  backupPath: string | undefined;
  /** Set when a new file took the history's squash: the tag of the last step it covers. */
  squashedTo?: string;
}

/**
 * Applies pending migrations safely:
 * - foreign keys off outside the transaction, so a table rebuild (DROP TABLE of a parent) does not
 *   cascade-delete children (drizzle-orm issue 5782);
 * - `BEGIN IMMEDIATE`, then the applied list is read again under the write lock, so processes
 *   starting at once apply each migration exactly once;
 * - a backup of a non-empty database before the first change: the file copied just before the
 *   lock, its WAL under it, so the backup is exactly the state the migration starts from;
 * - `PRAGMA foreign_key_check` after each migration, aborting on violations; one COMMIT for all.
 * When nothing is pending it only reads (the start-up check).
 */
export async function migrate(
  sqlite: SqliteConnection,
  migrations: readonly Migration[],
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const path = sqlite.name;
  const quick = planMigrations(sqlite, migrations);
  assertMigratable(path, quick);
  const [next] = quick.pending;
  if (next === undefined) return { path, applied: [], backupPath: undefined };

  if (sqlite.readonly) {
    throw new NotMigratableError(`${path} is open read-only and needs migration ${next.tag}`, path);
  }
  if (sqlite.inTransaction) {
    throw new NotMigratableError(`${path}: migrate() cannot run inside a transaction`, path);
  }

  const log = options.log ?? defaultLog;
  const emit = options.onEvent ?? (() => {});
  const backs = options.backup !== false && !sqlite.memory && path !== '';
  // The file is copied before the lock, so writers wait only for the WAL's copy (schema-change.ts).
  const early =
    backs && hasSchema(sqlite) ? beginBackupBeforeLock(path, options.backup || {}) : undefined;
  return withForeignKeysOff(sqlite, async () => {
    try {
      beginImmediate(sqlite, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    } catch (error) {
      early?.discard();
      throw error;
    }
    let backupPath: string | undefined;
    let tag = '';
    try {
      emit({ type: 'locked' });
      const plan = planMigrations(sqlite, migrations);
      assertMigratable(path, plan);
      const [first] = plan.pending;
      if (first === undefined) {
        // Another process applied them while this one waited for the lock.
        sqlite.exec('ROLLBACK');
        return { path, applied: [], backupPath: undefined };
      }

      if (backs && hasSchema(sqlite)) {
        backupPath = early
          ? await early.finish(first.tag)
          : await backupUnderLock(path, first.tag, options.backup || {});
        emit({ type: 'backup', path: backupPath });
        log(`backed up ${path} to ${backupPath}`);
      }

      // A new file takes the history's squash, if it has one, instead of its first steps.
      const units = migrationUnits(plan, migrations, hasSchema(sqlite));
      ensureMigrationsTable(sqlite);
      const applied: string[] = [];
      for (const unit of units) {
        tag = unit.tag;
        emit({ type: 'migration-start', tag });
        try {
          unit.apply(sqlite);
        } catch (cause) {
          throw new MigrationFailedError(path, tag, backupPath, cause);
        }
        const violations = foreignKeyViolations(sqlite);
        if (violations.length > 0)
          throw new ForeignKeyViolationError(path, tag, violations, backupPath);
        for (const migration of unit.records) {
          recordMigration(sqlite, migration);
          applied.push(migration.tag);
        }
        emit({ type: 'migration-done', tag });
      }
      const squashedTo = units.find((u) => u.squashedTo)?.squashedTo;
      try {
        sqlite.exec('COMMIT');
      } catch (cause) {
        throw new MigrationFailedError(path, tag, backupPath, cause);
      }
      emit({ type: 'committed', applied });
      log(
        `${path}: applied ${applied.join(', ')}${squashedTo ? ` (up to ${squashedTo} as one squashed step)` : ''}`,
      );
      return { path, applied, backupPath, ...(squashedTo && { squashedTo }) };
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw error;
    } finally {
      early?.discard();
    }
  });
}

/** Throws before anything is written if the database was migrated differently from this build. */
export function assertMigratable(path: string, plan: MigrationPlan): void {
  if (plan.edited.length > 0) throw new EditedMigrationError(path, plan.edited);
  if (plan.unknown.length > 0) throw new NewerDatabaseError(path, plan.unknown);
}

function hasSchema(sqlite: SqliteConnection): boolean {
  return sqlite.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get() !== undefined;
}

function foreignKeyViolations(sqlite: SqliteConnection): ForeignKeyViolation[] {
  return sqlite.prepare('PRAGMA foreign_key_check').all() as ForeignKeyViolation[];
}
