import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DatabaseName } from '../database-names.ts';
import { loadMigrations, type Migration } from '../migrate/load-migrations.ts';
import { migrate, type BackupOptions, type MigrateResult } from '../migrate/migrate.ts';
import { openConnection } from '../open/open-database.ts';
import { MEMORY_PATH, resolveDatabasePath, type ResolvePathOptions } from '../open/paths.ts';
import { adoptDatabase, type AdoptResult } from './adopt.ts';
import { inspectDatabase, type Inspection } from './inspect.ts';
import { AdoptionConflictError } from './report.ts';
import { targetSteps } from './target-schema.ts';

export interface AdoptAndMigrateOptions extends Pick<
  ResolvePathOptions,
  'path' | 'env' | 'cwd' | 'home'
> {
  /** Default: the database's embedded migrations. */
  migrations?: readonly Migration[];
  backup?: BackupOptions | false;
  log?: (message: string) => void;
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
 * tool made it, then applies pending migrations. Anything that would be refused is found through a
 * read-only connection first, so a refused file is left byte-identical.
 */
export async function adoptAndMigrate(
  name: DatabaseName,
  options: AdoptAndMigrateOptions = {},
): Promise<AdoptAndMigrateResult> {
  const path = resolveDatabasePath(name, options);
  const migrations = options.migrations ?? loadMigrations(name);
  const log = options.log ?? (() => {});

  let stateBefore: Inspection['state'] = 'new';
  if (path !== MEMORY_PATH && fileSize(path) > 0) {
    const reader = new Database(path, { readonly: true, fileMustExist: true });
    try {
      reader.pragma('busy_timeout = 5000');
      const inspection = inspectDatabase(reader, migrations, await targetSteps(migrations));
      stateBefore = inspection.state;
      if (inspection.state === 'conflict') {
        throw new AdoptionConflictError(path, inspection.baseline?.tag, inspection.differences);
      }
      // The migrator's own refusals, raised before it writes (or switches the file to WAL).
      if (inspection.state === 'newer' || inspection.state === 'edited') {
        await migrate(reader, migrations, { backup: false, log });
      }
    } finally {
      reader.close();
    }
  }

  const sqlite = openConnection(path);
  try {
    const adoption =
      stateBefore === 'adoptable'
        ? await adoptDatabase(sqlite, migrations, { backup: options.backup, log })
        : undefined;
    const migration = await migrate(sqlite, migrations, { backup: options.backup, log });
    return { name, path: migration.path, stateBefore, adoption, migration };
  } finally {
    sqlite.close();
  }
}

/** The file's size in bytes, 0 when it does not exist. */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
