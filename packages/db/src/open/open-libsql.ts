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
import type { LibsqlMigrateOptions } from '../migrate/migrate-libsql.ts';
import { migrateLibsqlUrl } from './libsql-server.ts';
import { readServerSchema } from '../migrate/server-schema.ts';
import { planFromRecords } from '../migrate/plan.ts';
import type { OpenDatabaseOptions, OpenMigrateOptions } from './open-database.ts';
import { resolve } from 'node:path';
import { resolveDatabasePath } from './paths.ts';

export interface OpenLibsqlMigrateOptions extends OpenMigrateOptions {
  /**
   * Migrate a `file:` URL through the libSQL client, exactly as a server is migrated (one batch,
   * no backup), instead of with the synchronous migrator on the file. A server always is.
   */
  throughClient?: boolean;
  /** Progress of a migration through the client (a server's); awaited. */
  onLibsqlEvent?: LibsqlMigrateOptions['onEvent'];
}

export interface OpenLibsqlOptions
  extends
    Omit<OpenDatabaseOptions, 'driver' | 'durability' | 'busyTimeoutMs' | 'migrate'>,
    Partial<Pick<LibsqlOptions, 'url' | 'authToken' | 'syncUrl'>> {
  driver?: 'libsql';
  /** As for `openDatabase`; a server is migrated through the client (migrate-libsql.ts). */
  migrate?: boolean | OpenLibsqlMigrateOptions;
}

/**
 * Opens a database through libSQL. A `file:` URL (or `driver: 'libsql'` with the usual path) is
 * first adopted and migrated by the same migrator as every other open, on the file itself with
 * the runtime's synchronous driver: the same guarantees (foreign keys off outside the
 * transaction, BEGIN IMMEDIATE, the applied list re-read under the lock, foreign_key_check, a
 * backup), and the same file for every driver afterwards. A server (`libsql://`, `http(s)://`,
 * `ws(s)://`) has no file to copy: it is migrated through a client of its own, closed afterwards,
 * in one batch (`migrateLibsql`: foreign keys off around it, the applied list checked under the
 * lock, foreign_key_check, no backup). An embedded replica and a file this process already holds
 * through libSQL are only checked, and refused when behind.
 */
export async function openLibsqlDatabase(
  name: DatabaseName,
  options: OpenLibsqlOptions,
  openSync: (name: DatabaseName, options: OpenDatabaseOptions) => Promise<{ close(): void }>,
): Promise<LibsqlHandle> {
  const url = options.url ?? `file:${resolveDatabasePath(name, options)}`;
  const path = libsqlFilePath(url);
  const migrateOption = options.migrate ?? !options.readonly;
  const migrateOptions = typeof migrateOption === 'object' ? migrateOption : {};
  const viaClient = path === undefined || migrateOptions.throughClient === true;
  // The first libSQL open of a file in this process migrates it; later ones (another SQLite
  // library must not touch a file libSQL holds, see libsqlHoldsFile) check it like a replica.
  const migratesFile =
    path !== undefined &&
    !viaClient &&
    options.syncUrl === undefined &&
    !libsqlHoldsFile(resolve(path));
  if (migratesFile && migrateOption !== false) {
    const { url: _url, authToken: _token, syncUrl: _sync, driver: _driver, ...rest } = options;
    const local = await openSync(name, { ...rest, path });
    local.close();
  }
  const migrations = () => {
    const source = migrateOptions.migrations ?? name;
    return Array.isArray(source)
      ? (source as readonly Migration[])
      : loadMigrations(source as MigrationSource);
  };
  const migratesThroughClient = viaClient && options.syncUrl === undefined;
  if (migrateOption !== false && migratesThroughClient) {
    await migrateLibsqlUrl(name, {
      url,
      ...(options.authToken !== undefined ? { authToken: options.authToken } : {}),
      ...(options.env ? { env: options.env } : {}),
      migrations: migrations(),
      acceptDrift: true, // as openDatabase on a file: drift is refused by `agentstate migrate`
      ...(migrateOptions.log ? { log: migrateOptions.log } : {}),
      ...(migrateOptions.onLibsqlEvent ? { onEvent: migrateOptions.onLibsqlEvent } : {}),
      ...(migrateOptions.lockTimeoutMs !== undefined
        ? { lockTimeoutMs: migrateOptions.lockTimeoutMs }
        : {}),
    });
  }
  const handle = await openLibsqlClient(name, { ...options, url });
  try {
    if (migrateOption !== false && !migratesFile && !migratesThroughClient) {
      await assertUpToDate(handle, migrations());
    }
    return handle;
  } catch (error) {
    handle.close();
    throw error;
  }
}

/** Refuses a replica or held file whose schema is not this build's (edited, newer, or behind). */
async function assertUpToDate(handle: LibsqlHandle, migrations: readonly Migration[]) {
  const { records } = await readServerSchema(handle.client);
  const plan = planFromRecords(records ?? [], migrations);
  assertMigratable(handle.url, plan);
  const [firstPending] = plan.pending;
  if (firstPending) {
    throw new NotMigratableError(
      `${handle.url} needs migration ${firstPending.tag}; an embedded replica is migrated on its ` +
        'primary, and a file this process holds through libSQL by its first open',
      handle.url,
    );
  }
}
