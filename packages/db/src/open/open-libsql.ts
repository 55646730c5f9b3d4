import type { DatabaseName } from '@agentstate/schema';
import {
  libsqlFilePath,
  libsqlHoldsFile,
  openLibsqlClient,
  type LibsqlHandle,
  type LibsqlOptions,
} from '../driver/libsql.ts';
import { NotMigratableError } from '../migrate/errors.ts';
import {
  loadMigrations,
  type Migration,
  type MigrationSource,
} from '../migrate/load-migrations.ts';
import { assertMigratable } from '../migrate/migrate.ts';
import { MIGRATIONS_TABLE, type AppliedMigration } from '../migrate/migrations-table.ts';
import { planFromRecords } from '../migrate/plan.ts';
import type { OpenDatabaseOptions } from './open-database.ts';
import { resolve } from 'node:path';
import { resolveDatabasePath } from './paths.ts';

export interface OpenLibsqlOptions
  extends
    Omit<OpenDatabaseOptions, 'driver' | 'durability' | 'busyTimeoutMs'>,
    Partial<Pick<LibsqlOptions, 'url' | 'authToken' | 'syncUrl'>> {
  driver?: 'libsql';
}

/**
 * Opens a database through libSQL. A `file:` URL (or `driver: 'libsql'` with the usual path) is
 * first adopted and migrated by the same migrator as every other open, on the file itself with
 * the runtime's synchronous driver: the same guarantees (foreign keys off outside the
 * transaction, BEGIN IMMEDIATE, the applied list re-read under the lock, foreign_key_check, a
 * backup), and the same file for every driver afterwards. A server (`libsql://`, `http(s)://`)
 * has no file to copy and no connection the migrator can hold: it is checked, and a server that
 * needs a migration is refused with the command that applies it.
 */
export async function openLibsqlDatabase(
  name: DatabaseName,
  options: OpenLibsqlOptions,
  openSync: (name: DatabaseName, options: OpenDatabaseOptions) => Promise<{ close(): void }>,
): Promise<LibsqlHandle> {
  const url = options.url ?? `file:${resolveDatabasePath(name, options)}`;
  const path = libsqlFilePath(url);
  const migrateOption = options.migrate ?? !options.readonly;
  // The first libSQL open of a file in this process migrates it; later ones (another SQLite
  // library must not touch a file libSQL holds, see libsqlHoldsFile) check it like a server.
  const migratesFile =
    path !== undefined && options.syncUrl === undefined && !libsqlHoldsFile(resolve(path));
  if (migratesFile && migrateOption !== false) {
    const { url: _url, authToken: _token, syncUrl: _sync, driver: _driver, ...rest } = options;
    const local = await openSync(name, { ...rest, path });
    local.close();
  }
  const handle = await openLibsqlClient(name, { ...options, url });
  try {
    if (migrateOption !== false && !migratesFile) {
      const source = migrateOption === true ? name : (migrateOption.migrations ?? name);
      const migrations = Array.isArray(source)
        ? (source as readonly Migration[])
        : loadMigrations(source as MigrationSource);
      await assertUpToDate(handle, migrations);
    }
    return handle;
  } catch (error) {
    handle.close();
    throw error;
  }
}

/** Refuses a server whose schema is not this build's (edited, newer, or pending migrations). */
async function assertUpToDate(handle: LibsqlHandle, migrations: readonly Migration[]) {
  const exists = await handle.client.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [MIGRATIONS_TABLE],
  });
  const records: AppliedMigration[] = [];
  if (exists.rows.length > 0) {
    const rows = await handle.client.execute(
      `SELECT id, hash, created_at FROM "${MIGRATIONS_TABLE}"`,
    );
    for (const row of rows.rows) {
      records.push({
        id: row.id as number | null,
        hash: row.hash as string,
        createdAt: Number(row.created_at),
      });
    }
  }
  const plan = planFromRecords(records, migrations);
  assertMigratable(handle.url, plan);
  const [firstPending] = plan.pending;
  if (firstPending) {
    throw new NotMigratableError(
      `${handle.url} needs migration ${firstPending.tag}; a libSQL server is migrated from a ` +
        `copy of its file or with drizzle-kit, not through the client`,
      handle.url,
    );
  }
}
