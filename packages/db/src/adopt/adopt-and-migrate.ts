import type { DatabaseName } from '../database-names.ts';
import { loadMigrations, type Migration } from '../migrate/load-migrations.ts';
import type { BackupOptions, MigrateResult } from '../migrate/migrate.ts';
import { DriftError, schemaDrift } from '../migrate/drift.ts';
import { inspectDatabaseFile, refuseUnusable } from '../open/inspect-file.ts';
import { readDatabaseFile } from '../open/read-only.ts';
import { bringUpToDate, openConnection } from '../open/open-database.ts';
import { MEMORY_PATH, resolveDatabasePath, type ResolvePathOptions } from '../open/paths.ts';
import type { AdoptResult } from './adopt.ts';
import type { Inspection } from './inspect.ts';

export interface AdoptAndMigrateOptions extends Pick<
  ResolvePathOptions,
  'path' | 'env' | 'cwd' | 'home'
> {
  /** Default: the database's embedded migrations. */
  migrations?: readonly Migration[];
  backup?: BackupOptions | false;
  log?: (message: string) => void;
  /**
   * Migrate a managed file whose schema is not what its applied migrations produce (default:
   * refuse with DriftError, changing nothing). The difference is kept as it is.
   */
  acceptDrift?: boolean;
}

export interface AdoptAndMigrateResult {
  name: DatabaseName;
  path: string;
  /** What the database was before: `new` also when the file did not exist. */
  stateBefore: Inspection['state'];
  adoption: AdoptResult | undefined;
  migration: MigrateResult;
}

/**
 * What `pnpm db:migrate` does for one database: creates it if missing, adopts it if an original
 * tool made it, then applies pending migrations. It is inspected without writing anything first,
 * so a refused file is left byte-identical (no `-wal`, no `-shm`), and one that is up to date is
 * never opened for writing (so this works on it in a read-only folder).
 */
export async function adoptAndMigrate(
  name: DatabaseName,
  options: AdoptAndMigrateOptions = {},
): Promise<AdoptAndMigrateResult> {
  const path = resolveDatabasePath(name, options);
  const migrations = options.migrations ?? loadMigrations(name);
  const log = options.log ?? (() => {});

  const before = path === MEMORY_PATH ? undefined : await inspectDatabaseFile(path, migrations);
  if (before) {
    refuseUnusable(before);
    if (before.state === 'managed' && before.plan?.pending.length === 0) {
      const migration = { path, applied: [], backupPath: undefined };
      return { name, path, stateBefore: 'managed', adoption: undefined, migration };
    }
    if (before.state === 'managed' && !options.acceptDrift) {
      const drift = await readDatabaseFile(path, (reader) => schemaDrift(reader, migrations));
      if (drift.length > 0) throw new DriftError(path, drift);
    }
  }
  const sqlite = openConnection(path);
  try {
    const result = await bringUpToDate(sqlite, before?.state ?? 'new', migrations, {
      backup: options.backup,
      log,
    });
    return { name, path: result.migration.path, ...result };
  } finally {
    sqlite.close();
  }
}
