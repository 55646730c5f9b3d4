import { openBetterSqlite3 } from './better-sqlite3.ts';
import { BunConnection, onBun, openBunSqlite } from './bun-sqlite.ts';
import type { SqliteConnection, SyncDriverKind, SyncOpenOptions } from './types.ts';

/** The synchronous driver of this runtime: `bun:sqlite` on Bun, better-sqlite3 on Node and Electron. */
export const runtimeDriver = (): SyncDriverKind => (onBun() ? 'bun:sqlite' : 'better-sqlite3');

const kinds: readonly SyncDriverKind[] = ['better-sqlite3', 'bun:sqlite'];

/** The driver named by an option (checked), else the runtime's. */
export function syncDriverKind(option: string | undefined): SyncDriverKind {
  if (option === undefined) return runtimeDriver();
  if (!(kinds as readonly string[]).includes(option)) {
    throw new TypeError(
      `driver: '${option}' is not a synchronous driver (use ${kinds.map((k) => `'${k}'`).join(' or ')})`,
    );
  }
  return option as SyncDriverKind;
}

/** Opens a bare SQLite connection with a synchronous driver (no pragmas, no checks). */
export function openSqlite(
  path: string,
  options: SyncOpenOptions & { driver?: SyncDriverKind } = {},
): SqliteConnection {
  const driver = options.driver ?? runtimeDriver();
  return driver === 'bun:sqlite' ? openBunSqlite(path, options) : openBetterSqlite3(path, options);
}

/** Which driver made a connection. */
export function driverOf(sqlite: SqliteConnection): SyncDriverKind {
  return sqlite instanceof BunConnection ? 'bun:sqlite' : 'better-sqlite3';
}
