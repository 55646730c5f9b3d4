import type { DatabaseStatus } from '../adopt/database-status.ts';
import { formatDrift } from '../migrate/drift.ts';
import type { DatabaseName } from '../database-names.ts';
import { BUSY_RETRY_MS } from '../client/shared/connection.ts';
import { isBusy, openLibsqlClient, type LibsqlOptions } from '../driver/libsql.ts';
import { loadMigrations, type Migration } from '../migrate/load-migrations.ts';
import {
  migrateLibsql,
  type LibsqlMigrateOptions,
  type LibsqlMigrateResult,
} from '../migrate/migrate-libsql.ts';
import { planFromRecords } from '../migrate/plan.ts';
import { hasUserObjects, readServerSchema, serverDrift } from '../migrate/server-schema.ts';
import { MIGRATIONS_TABLE } from '../migrate/migrations-table.ts';

export interface LibsqlUrlOptions
  extends Pick<LibsqlOptions, 'url' | 'authToken' | 'env'>, LibsqlMigrateOptions {
  /** Default: the database's embedded migrations. */
  migrations?: readonly Migration[];
}

/**
 * Migrates the libSQL database at `url` (`migrateLibsql`) through a client of its own, closed
 * whatever happened: a connection whose batch met SQLITE_BUSY keeps that statement unreset and
 * cannot commit again until it is garbage-collected (libsql-client-ts #352), so it serves nothing
 * afterwards. What `agentstate migrate --url` runs.
 */
export async function migrateLibsqlUrl(
  name: DatabaseName,
  options: LibsqlUrlOptions,
): Promise<LibsqlMigrateResult> {
  const { url, authToken, env, migrations, ...migrateOptions } = options;
  const connect = () =>
    openLibsqlClient(name, {
      url,
      ...(authToken !== undefined ? { authToken } : {}),
      ...(env ? { env } : {}),
    });
  // Opening a file: URL sets its journal mode, which another migrator's lock can make busy too
  // (also when the migrator reconnects after a busy batch): wait for it as the migrator does.
  const open = async () => {
    const deadline = Date.now() + (migrateOptions.lockTimeoutMs ?? BUSY_RETRY_MS);
    for (;;) {
      try {
        return await connect();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 45));
      }
    }
  };
  let handle = await open();
  try {
    return await migrateLibsql(handle.client, url, migrations ?? loadMigrations(name), {
      ...migrateOptions,
      reconnect: async () => {
        handle.close();
        handle = await open();
        return handle.client;
      },
    });
  } finally {
    handle.close();
  }
}

/**
 * `agentstate status --url`: where a libSQL database stands, read through its client. Its size is
 * the database's pages; a server has no WAL file of its own to measure. Reads only.
 */
export async function libsqlDatabaseStatus(
  name: DatabaseName,
  options: Pick<LibsqlOptions, 'url' | 'authToken' | 'env'> & { migrations?: readonly Migration[] },
): Promise<DatabaseStatus> {
  const migrations = options.migrations ?? loadMigrations(name);
  const handle = await openLibsqlClient(name, {
    url: options.url,
    ...(options.authToken !== undefined ? { authToken: options.authToken } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  try {
    const schema = await readServerSchema(handle.client);
    const pages = await handle.client.execute(
      'SELECT page_count * page_size AS bytes FROM pragma_page_count, pragma_page_size',
    );
    const plan = planFromRecords(schema.records ?? [], migrations);
    const foreign = schema.records === undefined && hasUserObjects(schema);
    const state = foreign
      ? 'conflict'
      : schema.records === undefined
        ? 'new'
        : plan.unknown.length > 0
          ? 'newer'
          : plan.edited.length > 0
            ? 'edited'
            : 'managed';
    const drift =
      state === 'managed' && plan.applied.length > 0
        ? (await serverDrift(handle.client, schema, migrations)).map(formatDrift)
        : [];
    return {
      name,
      path: options.url,
      exists: true,
      sizeBytes: Number(pages.rows[0]?.bytes ?? 0),
      walBytes: 0,
      state,
      applied: plan.applied.map((m) => m.tag),
      pending: plan.pending.map((m) => m.tag),
      baseline: undefined,
      differences: foreign
        ? [
            `tables but no ${MIGRATIONS_TABLE}: adopt a copy of its file (migrate --path), not the server`,
          ]
        : [],
      outsideSchema: [],
      drift,
    };
  } finally {
    handle.close();
  }
}
