import {
  openDatabase,
  type DatabaseName,
  type OpenMigrateOptions,
  type SyncDriverKind,
} from '../../src/index.ts';
import type { DriverUnderTest, Opened } from './suite.ts';

/** better-sqlite3 or bun:sqlite: the handle of openDatabase, read through its connection. */
export function syncDriver(driver: SyncDriverKind): DriverUnderTest {
  return {
    name: `${driver}`,
    files: true,
    mode: 'sync',
    async open(name: DatabaseName, path: string, migrate?: OpenMigrateOptions | false) {
      const handle = await openDatabase(name, { path, driver, migrate: migrate ?? {} });
      if (handle.driver !== driver) throw new Error(`opened ${handle.driver}, not ${driver}`);
      return {
        target: handle,
        query: (sql, args = []) =>
          Promise.resolve(
            /^\s*(SELECT|PRAGMA)/i.test(sql)
              ? (handle.sqlite.prepare(sql).all(...args) as Array<Record<string, unknown>>)
              : (handle.sqlite.prepare(sql).run(...args), []),
          ),
        close: () => handle.close(),
      } satisfies Opened;
    },
  };
}

/** libSQL through @libsql/client: a `file:` URL per test, or one server for all (`url`). */
export function libsqlDriver(url?: string): DriverUnderTest {
  return {
    name: url ? 'libSQL server' : 'libSQL file:',
    files: url === undefined,
    mode: 'async',
    async open(name: DatabaseName, path: string, migrate?: OpenMigrateOptions | false) {
      const handle = await openDatabase(name, {
        url: url ?? `file:${path}`,
        migrate: migrate ?? {},
      });
      if (url) {
        // A scratch server: the contract needs empty queues.
        await handle.client.execute('DELETE FROM job_queue').catch(() => {});
        await handle.client.execute('DELETE FROM workers').catch(() => {});
        await handle.client.execute("DELETE FROM sessions WHERE id = 's1'").catch(() => {});
      }
      return {
        target: handle,
        query: async (sql, args = []) => {
          const result = await handle.client.execute({ sql, args: args as never });
          return result.rows.map((row) =>
            Object.fromEntries(result.columns.map((column, i) => [column, row[i]])),
          );
        },
        close: () => handle.close(),
      } satisfies Opened;
    },
  };
}
