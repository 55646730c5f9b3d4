import Database from 'better-sqlite3';
import type { SqliteConnection, SyncOpenOptions } from './types.ts';

/** better-sqlite3 (Node, Electron): its connection already has the API the package uses. */
export function openBetterSqlite3(path: string, options: SyncOpenOptions = {}): SqliteConnection {
  return new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.fileMustExist ?? false,
  });
}

/**
 * The better-sqlite3 connection under `sqlite`, for code that needs better-sqlite3 itself
 * (drizzle-orm's better-sqlite3 session, the online backup API). Throws on another driver.
 */
export function betterSqlite3Of(sqlite: SqliteConnection): Database.Database {
  if (!(sqlite instanceof Database)) {
    throw new TypeError('this needs a better-sqlite3 connection (the Node and Electron driver)');
  }
  return sqlite;
}
