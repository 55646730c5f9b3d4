import Database from 'better-sqlite3';
import type { DatabaseName } from '../database-names.ts';
import {
  loadMigrations,
  type Migration,
  type MigrationSource,
} from '../migrate/load-migrations.ts';
import { adoptDatabase, type AdoptResult } from '../adopt/adopt.ts';
import { migrate, type MigrateOptions, type MigrateResult } from '../migrate/migrate.ts';
import { planMigrations } from '../migrate/plan.ts';
import {
  ensureDatabaseFile,
  MEMORY_PATH,
  resolveDatabasePath,
  type ResolvePathOptions,
} from './paths.ts';
import { configureConnection, type ConnectionOptions } from './pragmas.ts';

export interface OpenMigrateOptions extends MigrateOptions {
  /** Default: the database's embedded migrations. */
  migrations?: MigrationSource | readonly Migration[];
}

export interface OpenDatabaseOptions
  extends ConnectionOptions, Pick<ResolvePathOptions, 'path' | 'env' | 'cwd' | 'home'> {
  /**
   * Bring the schema up to date on open (default `true`; `false` when `readonly`). When nothing is
   * pending this is a read of `__drizzle_migrations`. Pass options to set backups, logging or the
   * migrations to use.
   */
  migrate?: boolean | OpenMigrateOptions;
}

export interface DatabaseHandle {
  readonly name: DatabaseName;
  /** Absolute file path, or `:memory:`. */
  readonly path: string;
  /** The better-sqlite3 connection, configured by `configureConnection`. */
  readonly sqlite: Database.Database;
  /** What the open-time migration did; undefined when it was skipped. */
  readonly migration: MigrateResult | undefined;
  /** Set when the file was made by the original tool and was adopted on this open. */
  readonly adoption: AdoptResult | undefined;
  close(): void;
}

/**
 * Opens a database connection with agentstate's pragmas (see `configureConnection`), creating its
 * folder (0700) and file (0600) unless read-only. The lower-level sibling of `openDatabase`.
 */
export function openConnection(path: string, options: ConnectionOptions = {}): Database.Database {
  if (!options.readonly) ensureDatabaseFile(path);
  const sqlite = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  try {
    configureConnection(sqlite, options);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}

/**
 * Opens one of the five databases: its file is `options.path`, else `AGENTSTATE_<NAME>_PATH`, else
 * where the original tool keeps it; `:memory:` works. Migrates it unless told not to.
 */
export async function openDatabase(
  name: DatabaseName,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseHandle> {
  const path = resolveDatabasePath(name, options);
  const sqlite = openConnection(path, options);
  let migration: MigrateResult | undefined;
  let adoption: AdoptResult | undefined;
  try {
    const migrateOption = options.migrate ?? !options.readonly;
    if (migrateOption !== false) {
      const { migrations: source = name, ...migrateOptions } =
        migrateOption === true ? {} : migrateOption;
      const migrations = Array.isArray(source)
        ? (source as readonly Migration[])
        : loadMigrations(source as MigrationSource);
      if (madeByAnotherTool(sqlite, migrations)) {
        // Throws AdoptionConflictError, writing nothing, when the data conflicts with the schema.
        adoption = await adoptDatabase(sqlite, migrations, migrateOptions);
      }
      migration = await migrate(sqlite, migrations, migrateOptions);
    }
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return {
    name,
    path: path === MEMORY_PATH ? MEMORY_PATH : sqlite.name,
    sqlite,
    migration,
    adoption,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * True for a file with tables but none of this project's migrations recorded: the original tool
 * created it (no history, or only its own). Two reads, so the start-up check stays cheap.
 * Litestream's tables do not count: replicating a new, empty file gives it those alone.
 */
function madeByAnotherTool(sqlite: Database.Database, migrations: readonly Migration[]): boolean {
  const hasUserTable = sqlite
    .prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT IN ('_litestream_seq', '_litestream_lock') LIMIT 1",
    )
    .get();
  if (!hasUserTable) return false;
  const plan = planMigrations(sqlite, migrations);
  return plan.applied.length === 0 && plan.edited.length === 0;
}
