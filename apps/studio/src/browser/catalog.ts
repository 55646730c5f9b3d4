import { existsSync } from 'node:fs';
import { openConnection, openReader, betterSqlite3Of, type SqliteConnection } from '@agentstate/db';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import type Database from 'better-sqlite3';
import { databaseMeta, type ColumnMeta, type DatabaseMeta, type TableMeta } from './metadata.ts';
import { quoteIdentifier } from './sql.ts';

export interface TableState {
  meta: TableMeta;
  /** False when the file has no such table (a database not migrated to this schema). */
  exists: boolean;
  /** Schema columns present in the file, in schema order: the only columns queries name. */
  columns: ColumnMeta[];
  /** Schema columns the file lacks. */
  missingColumns: string[];
}

interface OpenDatabase {
  sqlite: Database.Database;
  schemaVersion: number;
  tables: Map<string, TableState>;
  counts: Map<string, { count: number; dataVersion: number }>;
}

export interface DatabaseSummary {
  name: DatabaseName;
  path: string;
  exists: boolean;
  /** The database `pnpm db:studio --db` opened for Drizzle Studio. */
  primary: boolean;
  /** The studio may change it (the primary database, started with `--write`). */
  writable: boolean;
}

/** A change asked of a database the studio shows read-only. */
export class ReadOnlyError extends Error {
  override name = 'ReadOnlyError';
}

/**
 * The databases the offline browser shows, each opened on first use by `openReader`: every
 * statement refused a write (`query_only`), so no bug in the browser can write to them, and nothing
 * left beside the file once the catalog is closed. The only writes (retrying dead letters) go
 * through `writer()`, which exists only for the primary database of a studio started `--write`.
 */
export class DatabaseCatalog {
  private readonly open = new Map<DatabaseName, OpenDatabase>();
  private writerConnection: SqliteConnection | undefined;

  constructor(
    /** The file of each database to show; databases without a path are not listed. */
    private readonly paths: Partial<Record<DatabaseName, string>>,
    private readonly primary?: DatabaseName,
    /** The primary database may be changed (`--write`); every other one is only read. */
    private readonly writable = false,
  ) {}

  list(): DatabaseSummary[] {
    return databaseNames
      .filter((name) => this.paths[name] !== undefined)
      .map((name) => {
        const path = this.paths[name] as string;
        return {
          name,
          path,
          exists: existsSync(path),
          primary: name === this.primary,
          writable: this.isWritable(name),
        };
      });
  }

  has(name: string): name is DatabaseName {
    return (
      (databaseNames as readonly string[]).includes(name) &&
      this.paths[name as DatabaseName] !== undefined
    );
  }

  meta(name: DatabaseName): DatabaseMeta {
    return databaseMeta(name);
  }

  /** The reading connection (`openReader`); throws when the file does not exist. */
  connection(name: DatabaseName): Database.Database {
    return this.state(name).sqlite;
  }

  /**
   * A read-only connection of its own, for a reader that keeps a statement open across awaits (an
   * export), which would make the shared one busy. The caller closes it.
   */
  openReader(name: DatabaseName): Database.Database {
    return betterSqlite3Of(openReader(this.pathOf(name)));
  }

  isWritable(name: DatabaseName): boolean {
    return this.writable && name === this.primary;
  }

  /**
   * The one read-write connection (the shared open path's pragmas: WAL, busy timeout, foreign
   * keys), opened on first use, for the primary database of a studio started with `--write`.
   * Throws ReadOnlyError, naming how to get one, for every other database.
   */
  writer(name: DatabaseName): SqliteConnection {
    if (!this.isWritable(name)) {
      throw new ReadOnlyError(
        name === this.primary
          ? `${name} is open read-only: start the studio with --write to change it`
          : `${name} is shown read-only: only the database opened with --db and --write (${this.primary ?? 'none'}) can be changed`,
      );
    }
    this.writerConnection ??= openConnection(this.pathOf(name));
    return this.writerConnection;
  }

  tables(name: DatabaseName): TableState[] {
    return [...this.state(name).tables.values()];
  }

  table(name: DatabaseName, tableName: string): TableState | undefined {
    return this.state(name).tables.get(tableName);
  }

  /**
   * The table's row count, counted once and cached until another connection commits
   * (`PRAGMA data_version` changes); pages never count.
   */
  rowCount(name: DatabaseName, tableName: string): number | undefined {
    const state = this.state(name);
    const table = state.tables.get(tableName);
    if (!table?.exists) return undefined;
    const dataVersion = state.sqlite.pragma('data_version', { simple: true }) as number;
    const cached = state.counts.get(tableName);
    if (cached && cached.dataVersion === dataVersion) return cached.count;
    const count = state.sqlite
      .prepare(`SELECT COUNT(*) FROM ${quoteIdentifier(table.meta.name)}`)
      .pluck()
      .get() as number;
    state.counts.set(tableName, { count, dataVersion });
    return count;
  }

  close(): void {
    for (const state of this.open.values()) state.sqlite.close();
    this.open.clear();
    this.writerConnection?.close();
    this.writerConnection = undefined;
  }

  private pathOf(name: DatabaseName): string {
    const path = this.paths[name];
    if (path === undefined) throw new Error(`${name} is not one of the databases shown`);
    return path;
  }

  private state(name: DatabaseName): OpenDatabase {
    let state = this.open.get(name);
    if (!state) {
      const sqlite = betterSqlite3Of(openReader(this.pathOf(name)));
      state = { sqlite, schemaVersion: -1, tables: new Map(), counts: new Map() };
      this.open.set(name, state);
    }
    // Re-read which tables and columns exist when the file's schema changed (e.g. a migration ran).
    const schemaVersion = state.sqlite.pragma('schema_version', { simple: true }) as number;
    if (schemaVersion !== state.schemaVersion) {
      state.tables = inspectTables(state.sqlite, databaseMeta(name));
      state.counts.clear();
      state.schemaVersion = schemaVersion;
    }
    return state;
  }
}

function inspectTables(sqlite: Database.Database, meta: DatabaseMeta): Map<string, TableState> {
  const tables = new Map<string, TableState>();
  const columnsOf = sqlite.prepare('SELECT name FROM pragma_table_info(?)').pluck();
  for (const table of meta.tables) {
    const present = new Set(columnsOf.all(table.name) as string[]);
    tables.set(table.name, {
      meta: table,
      exists: present.size > 0,
      columns: table.columns.filter((column) => present.has(column.name)),
      missingColumns: table.columns.filter((c) => !present.has(c.name)).map((c) => c.name),
    });
  }
  return tables;
}
