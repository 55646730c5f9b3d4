import type { Server } from 'node:http';
import { atFile } from '@agentstate/cli-kit';
import type { AddressInfo } from 'node:net';
import {
  AdoptionConflictError,
  MigrationError,
  openDatabase,
  resolveDatabasePath,
} from '@agentstate/db';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { DatabaseCatalog } from './browser/catalog.ts';
import { SqlBox, type SqlBoxOptions } from './browser/sql-box.ts';
import { startDrizzleKit, type DrizzleKitStudio } from './kit/drizzle-kit.ts';
import { DRIZZLE_STUDIO_ORIGIN, isLoopbackAddress } from './guard/policy.ts';
import { createStudioServer } from './server.ts';

export const DEFAULT_PORT = 4983;
export const DEFAULT_HOST = '127.0.0.1';

export interface StudioOptions {
  /** The database Drizzle Studio opens (migrated first). */
  database: DatabaseName;
  /** Its file; default: `AGENTSTATE_<NAME>_PATH`, else the original tool's location. */
  path?: string;
  /** Files of the other databases the offline browser shows (same defaults). */
  paths?: Partial<Record<DatabaseName, string>>;
  /** The port the Drizzle Studio page and the offline browser use (default 4983; 0 = any free). */
  port?: number;
  /** Default 127.0.0.1. Anything but loopback exposes the databases to the network. */
  host?: string;
  /**
   * Let Drizzle Studio write, and the offline browser retry this database's dead letters
   * (default: the database is opened read-only and every change is refused).
   */
  write?: boolean;
  /** Start drizzle-kit studio behind the guard (default true); false serves only the offline browser. */
  drizzleKit?: boolean;
  /** The offline browser's SQL box: time limit, row limit, queries at once. */
  sql?: SqlBoxOptions;
  /** Where relative paths and the cwd-based default locations resolve from. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface RunningStudio {
  database: DatabaseName;
  path: string;
  host: string;
  port: number;
  /** Open this page with the Drizzle Studio UI (needs internet). */
  drizzleStudioUrl: string | undefined;
  /** The offline browser. */
  browserUrl: string;
  drizzleKit: DrizzleKitStudio | undefined;
  /** Resolves if drizzle-kit stops on its own (it should not). */
  drizzleKitExited: Promise<void>;
  close(): Promise<void>;
}

/** A failure the CLI reports as one line, followed by `details` (e.g. an adoption report). */
export class StudioError extends Error {
  override name = 'StudioError';
  constructor(
    message: string,
    readonly details: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Opens (and migrates) the chosen database, starts drizzle-kit studio for it on a private loopback
 * port, and serves the guard plus the offline browser on `host:port`.
 */
export async function startStudio(options: StudioOptions): Promise<RunningStudio> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const host = options.host ?? DEFAULT_HOST;
  const log = options.log ?? ((line: string) => console.log(line));
  const path = resolveDatabasePath(options.database, { path: options.path, cwd, env });
  if (path === ':memory:') throw new StudioError('studio needs a database file, not :memory:');

  try {
    // The shared open path: read-only checks first, so a refused file is left as it was.
    const handle = await atFile(path, () =>
      openDatabase(options.database, { path, migrate: { log } }),
    );
    handle.close();
  } catch (error) {
    // A file the original tool made, whose data conflicts with the schema: show the report.
    if (error instanceof AdoptionConflictError) {
      throw new StudioError(error.message, error.report, { cause: error });
    }
    if (error instanceof MigrationError) throw new StudioError(error.message, [], { cause: error });
    throw error;
  }

  const paths: Partial<Record<DatabaseName, string>> = {};
  for (const name of databaseNames) {
    paths[name] =
      name === options.database
        ? path
        : resolveDatabasePath(name, { path: options.paths?.[name], cwd, env });
  }
  const catalog = new DatabaseCatalog(paths, options.database, options.write ?? false);

  const drizzleKit =
    options.drizzleKit === false
      ? undefined
      : await startDrizzleKit({ database: options.database, path, readonly: !options.write });
  const sqlBox = new SqlBox(options.sql);
  const server = createStudioServer({
    catalog,
    upstreamPort: drizzleKit?.port,
    sqlBox,
    extraHosts:
      isLoopbackAddress(host) || host === '0.0.0.0' || host === '::' ? [] : [host.toLowerCase()],
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (error) {
    await drizzleKit?.stop();
    sqlBox.close();
    catalog.close();
    throw new StudioError(
      `cannot listen on ${host}:${options.port ?? DEFAULT_PORT}: ${(error as Error).message}`,
    );
  }

  const query = new URLSearchParams({ port: String(port) });
  if (host !== DEFAULT_HOST) query.set('host', host);
  let closing: Promise<void> | undefined;
  return {
    database: options.database,
    path,
    host,
    port,
    drizzleStudioUrl: drizzleKit ? `${DRIZZLE_STUDIO_ORIGIN}?${query.toString()}` : undefined,
    browserUrl: `http://${urlHost(host === '0.0.0.0' || host === '::' ? DEFAULT_HOST : host)}:${port}/`,
    drizzleKit,
    drizzleKitExited: drizzleKit?.exited ?? new Promise<void>(() => {}),
    close: () =>
      (closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await drizzleKit?.stop();
        catalog.close();
      })()),
  };
}
