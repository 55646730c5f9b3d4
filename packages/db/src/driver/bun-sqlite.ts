import { createRequire as requireFrom } from 'node:module';
import type {
  RunResult,
  SqliteConnection,
  SqliteStatement,
  SqliteTransaction,
  SyncOpenOptions,
} from './types.ts';

// The parts of bun:sqlite used here (its types ship with Bun, not with this package).
interface BunStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  values(...params: unknown[]): unknown[][];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface BunDatabase {
  readonly filename: string;
  readonly inTransaction: boolean;
  prepare(sql: string): BunStatement;
  exec(sql: string): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  transaction<F extends (...args: any[]) => unknown>(fn: F): SqliteTransaction<F>;
  close(throwOnError?: boolean): void;
}
type BunDatabaseConstructor = new (
  path: string,
  options: { readonly?: boolean; create?: boolean; readwrite?: boolean; strict?: boolean },
) => BunDatabase;

// Not named `require`: bundles (the tests' worker) declare their own.
const load = requireFrom(import.meta.url);
let BunSqlite: BunDatabaseConstructor | undefined;

/** True when this process runs on Bun, where `bun:sqlite` is the driver. */
export const onBun = (): boolean => typeof process.versions.bun === 'string';

function bunDatabase(): BunDatabaseConstructor {
  if (!onBun()) throw new Error("the 'bun:sqlite' driver needs the Bun runtime");
  // Loaded on first use: Node cannot resolve `bun:` modules, and nothing opens at import time.
  BunSqlite ??= (load('bun:sqlite') as { Database: BunDatabaseConstructor }).Database;
  return BunSqlite;
}

/**
 * A statement of bun:sqlite with better-sqlite3's behaviour: `get` gives undefined (not null) for
 * no row, and `pluck` reads the first column. `strict` mode binds `{ name }` to `@name` as
 * better-sqlite3 does.
 */
class BunStatementAdapter implements SqliteStatement {
  private plucked = false;
  constructor(private readonly statement: BunStatement) {}

  run(...params: unknown[]): RunResult {
    return this.statement.run(...params);
  }

  get(...params: unknown[]): unknown {
    if (this.plucked) {
      const row = this.statement.values(...params)[0];
      return row === undefined ? undefined : row[0];
    }
    return this.statement.get(...params) ?? undefined;
  }

  all(...params: unknown[]): unknown[] {
    if (this.plucked) return this.statement.values(...params).map((row) => row[0]);
    return this.statement.all(...params);
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    if (!this.plucked) {
      yield* this.statement.iterate(...params);
      return;
    }
    for (const row of this.statement.iterate(...params) as IterableIterator<
      Record<string, unknown>
    >) {
      for (const key in row) {
        yield row[key];
        break;
      }
    }
  }

  pluck(toggle = true): this {
    this.plucked = toggle;
    return this;
  }
}

export class BunConnection implements SqliteConnection {
  private closed = false;
  readonly memory: boolean;
  constructor(
    private readonly db: BunDatabase,
    readonly name: string,
    readonly readonly: boolean,
  ) {
    this.memory = name === ':memory:' || name === '';
  }

  get open(): boolean {
    return !this.closed;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- better-sqlite3's own bound
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(
    sql: string,
  ): P extends unknown[] ? SqliteStatement<P, R> : SqliteStatement<[P], R> {
    return new BunStatementAdapter(this.db.prepare(sql)) as never;
  }

  exec(sql: string): this {
    this.db.exec(sql);
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const statement = this.db.prepare(`PRAGMA ${source}`);
    if (!options.simple) return statement.all();
    const row = statement.values()[0];
    return row === undefined ? undefined : row[0];
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  transaction<F extends (...args: any[]) => unknown>(fn: F): SqliteTransaction<F> {
    return this.db.transaction(fn);
  }

  close(): this {
    if (!this.closed) {
      this.db.close();
      this.closed = true;
    }
    return this;
  }
}

/** `bun:sqlite` (Bun): the runtime's own SQLite, adapted to the connection API the package uses. */
export function openBunSqlite(path: string, options: SyncOpenOptions = {}): SqliteConnection {
  const Database = bunDatabase();
  const readonly = options.readonly ?? false;
  const db = readonly
    ? new Database(path, { readonly: true, strict: true })
    : new Database(path, { readwrite: true, create: !options.fileMustExist, strict: true });
  return new BunConnection(db, path, readonly);
}
