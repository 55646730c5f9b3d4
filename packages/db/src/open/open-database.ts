import type { SqliteConnection, SyncDriverKind } from '../driver/types.ts';
import { driverOf, openSqlite, syncDriverKind } from '../driver/sync-driver.ts';
import type { DatabaseName } from '../database-names.ts';
import {
  loadMigrations,
  type Migration,
  type MigrationSource,
} from '../migrate/load-migrations.ts';
import { adoptDatabase, type AdoptResult } from '../adopt/adopt.ts';
import { migrate, type MigrateOptions, type MigrateResult } from '../migrate/migrate.ts';
import type { AdoptionState } from '../adopt/inspect.ts';
import { assertWritable, DatabaseFileError, examineDatabaseFile } from './database-file.ts';
import { inspectDatabaseFile, refuseUnusable } from './inspect-file.ts';
import { openReader } from './read-only.ts';
import {
  ensureDatabaseFile,
  MEMORY_PATH,
  resolveDatabasePath,
  type ResolvePathOptions,
} from './paths.ts';
import { configureConnection, type ConnectionOptions } from './pragmas.ts';
import type { LibsqlHandle } from '../driver/libsql.ts';
import { openLibsqlDatabase, type OpenLibsqlOptions } from './open-libsql.ts';

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
  /**
   * A file a newer build migrated (it records steps this build does not know): `'refuse'` (the
   * default) throws NewerDatabaseError; `'read-only'` opens it for reading instead (`openReader`:
   * every write refused), unmigrated, with `stateBefore` `'newer'`, so an older build can still
   * read what it knows of it.
   */
  ifNewer?: 'refuse' | 'read-only';
}

export interface DatabaseHandle {
  readonly name: DatabaseName;
  /** Absolute file path, or `:memory:`. */
  readonly path: string;
  /** Which driver the connection is: `bun:sqlite` on Bun, else `better-sqlite3`. */
  readonly driver: SyncDriverKind;
  /** The connection, configured by `configureConnection` (see `betterSqlite3Of` for the raw one). */
  readonly sqlite: SqliteConnection;
  /** What the open-time migration did; undefined when it was skipped. */
  readonly migration: MigrateResult | undefined;
  /** Set when the file was made by the original tool and was adopted on this open. */
  readonly adoption: AdoptResult | undefined;
  /** What the file was before this open (`new` also when it did not exist); undefined without migration. */
  readonly stateBefore: AdoptionState | undefined;
  close(): void;
}

/**
 * Opens a database connection with agentstate's pragmas (see `configureConnection`). The file is
 * examined first, so a directory, an unreadable file, one that is not a SQLite database or one
 * this process cannot write is refused before anything is created or switched to WAL; then its
 * folder (0700) and file (0600) are created unless read-only. The lower-level sibling of
 * `openDatabase`. A read-only connection takes part in locking, so SQLite gives a WAL file the
 * `-wal` and `-shm` it needs; to read without them, see `readDatabaseFile`.
 */
export function openConnection(path: string, options: ConnectionOptions = {}): SqliteConnection {
  if (path !== MEMORY_PATH) {
    const file = examineDatabaseFile(path);
    if (options.readonly) {
      if (!file.exists) throw new DatabaseFileError('MISSING', path, 'does not exist');
    } else {
      assertWritable(file);
      ensureDatabaseFile(path);
    }
  }
  const sqlite = openSqlite(path, {
    driver: syncDriverKind(options.driver),
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
 *
 * Read-only checks come first, writes after: the file is inspected without writing anything (see
 * `inspectDatabaseFile`), and a file that would be refused (not a database, damaged, a conflicting
 * adoption, a newer or edited migration history) is refused then, left byte-identical with no
 * `-wal` or `-shm`. Only then is it opened read-write, switched to WAL, adopted and migrated.
 */
export async function openDatabase(
  name: DatabaseName,
  options: OpenLibsqlOptions & ({ url: string } | { driver: 'libsql' }),
): Promise<LibsqlHandle>;
export async function openDatabase(
  name: DatabaseName,
  options?: OpenDatabaseOptions,
): Promise<DatabaseHandle>;
export async function openDatabase(
  name: DatabaseName,
  options: OpenDatabaseOptions | OpenLibsqlOptions = {},
): Promise<DatabaseHandle | LibsqlHandle> {
  if ('url' in options || options.driver === 'libsql') {
    return openLibsqlDatabase(name, options, openDatabase);
  }
  return openSyncDatabase(name, options as OpenDatabaseOptions);
}

async function openSyncDatabase(
  name: DatabaseName,
  options: OpenDatabaseOptions,
): Promise<DatabaseHandle> {
  const path = resolveDatabasePath(name, options);
  const migrateOption = options.migrate ?? !options.readonly;
  if (migrateOption === false) {
    return databaseHandle(name, path, openConnection(path, options), undefined);
  }
  const { migrations: source = name, ...migrateOptions } =
    migrateOption === true ? {} : migrateOption;
  const migrations = Array.isArray(source)
    ? (source as readonly Migration[])
    : loadMigrations(source as MigrationSource);
  const before = path === MEMORY_PATH ? undefined : await inspectDatabaseFile(path, migrations);
  if (before?.state === 'newer' && options.ifNewer === 'read-only') {
    // openReader: writes refused (query_only), and no -wal or -shm left beside the file once closed.
    const reader = openReader(path);
    return databaseHandle(name, path, reader, undefined, 'newer');
  }
  if (before) refuseUnusable(before);
  const sqlite = openConnection(path, options);
  try {
    const outcome = await bringUpToDate(sqlite, before?.state ?? 'new', migrations, migrateOptions);
    return databaseHandle(name, path, sqlite, outcome);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

export interface UpToDate {
  stateBefore: AdoptionState;
  adoption: AdoptResult | undefined;
  migration: MigrateResult;
}

/** Adopts a file the original tool made (when it was found adoptable), then migrates it. */
export async function bringUpToDate(
  sqlite: SqliteConnection,
  stateBefore: AdoptionState,
  migrations: readonly Migration[],
  options: MigrateOptions,
): Promise<UpToDate> {
  // adoptDatabase checks again under the write lock and throws AdoptionConflictError, writing
  // nothing, if the data conflicts with the schema by then.
  const adoption =
    stateBefore === 'adoptable' ? await adoptDatabase(sqlite, migrations, options) : undefined;
  const migration = await migrate(sqlite, migrations, options);
  return { stateBefore, adoption, migration };
}

function databaseHandle(
  name: DatabaseName,
  path: string,
  sqlite: SqliteConnection,
  outcome: UpToDate | undefined,
  stateBefore = outcome?.stateBefore,
): DatabaseHandle {
  return {
    name,
    driver: driverOf(sqlite),
    path: path === MEMORY_PATH ? MEMORY_PATH : sqlite.name,
    sqlite,
    stateBefore,
    migration: outcome?.migration,
    adoption: outcome?.adoption,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
