import { all, drive, get, READ, type Operation, type Row } from '../../driver/operation.ts';
import { syncRunner } from '../../driver/sync-runner.ts';
import type { SqliteConnection } from '../../driver/types.ts';
import { RowValidationError, type ColumnIssue } from './errors.ts';

interface ForeignKey {
  from: string;
  table: string;
  to: string;
}

/** Each connection's (or libSQL client's) foreign keys by table, read once. */
export type ForeignKeyCache = Map<string, ForeignKey[]>;

const caches = new WeakMap<object, ForeignKeyCache>();

/** The foreign-key cache of a connection or a libSQL client (one per database). */
export function foreignKeyCache(owner: object): ForeignKeyCache {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map<string, ForeignKey[]>()));
  return cache;
}

const EXTENDED_CODES: Readonly<Record<number, string>> = {
  787: 'SQLITE_CONSTRAINT_FOREIGNKEY',
  1555: 'SQLITE_CONSTRAINT_PRIMARYKEY',
  2067: 'SQLITE_CONSTRAINT_UNIQUE',
};

/**
 * SQLite's extended error code of `error`: better-sqlite3 and bun:sqlite give it as `code`;
 * libSQL's LibsqlError gives the primary code (`SQLITE_CONSTRAINT`) with the extended one in its
 * `cause` and `rawCode`.
 */
export function sqliteCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; rawCode?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code !== 'string') return undefined;
  if (e.code !== 'SQLITE_CONSTRAINT') return e.code;
  if (typeof e.cause?.code === 'string' && e.cause.code.startsWith('SQLITE_CONSTRAINT_')) {
    return e.cause.code;
  }
  return (typeof e.rawCode === 'number' ? EXTENDED_CODES[e.rawCode] : undefined) ?? e.code;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function* foreignKeys(cache: ForeignKeyCache, table: string): Operation<ForeignKey[]> {
  let keys = cache.get(table);
  if (!keys) {
    keys = (yield all('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)', [
      table,
    ])) as ForeignKey[];
    cache.set(table, keys);
  }
  return keys;
}

/**
 * The columns of a failed write to `table` that broke a constraint, as issues: a reference to a
 * row that does not exist (SQLite names no column for a FOREIGN KEY failure, so each reference of
 * the row is looked up), or a value a primary key or unique index already holds. Empty when the
 * error is not one of those, or when the columns cannot be told.
 */
function* constraintIssues(
  cache: ForeignKeyCache,
  table: string,
  values: Readonly<Record<string, unknown>>,
  error: unknown,
): Operation<ColumnIssue[]> {
  const code = sqliteCode(error);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    const issues: ColumnIssue[] = [];
    for (const { from, table: parent, to } of yield* foreignKeys(cache, table)) {
      const value = values[from];
      if (value === null || value === undefined) continue;
      const found = (yield get(`SELECT 1 FROM ${quote(parent)} WHERE ${quote(to)} = ? LIMIT 1`, [
        value,
      ])) as Row | undefined;
      if (found) continue;
      issues.push({
        column: from,
        path: '',
        message: `no ${parent} row has ${to} ${JSON.stringify(value)}`,
      });
    }
    return issues;
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    // "UNIQUE constraint failed: job_queue.id" (or "t.a, t.b" for a composite key); libSQL
    // prefixes the code ("SQLITE_CONSTRAINT: UNIQUE constraint failed: …").
    const columns = String((error as { message?: unknown }).message)
      .replace(/^.*failed: /, '')
      .split(', ');
    return columns
      .filter((qualified) => qualified.startsWith(`${table}.`))
      .map((qualified) => {
        const column = qualified.slice(table.length + 1);
        return {
          column,
          path: '',
          message: `${JSON.stringify(values[column]) ?? 'the value'} is already taken`,
        };
      });
  }
  return [];
}

/**
 * The error to throw for `error`, raised by a write of `values` (by SQL column) to `table`: a
 * foreign-key, primary-key or unique constraint it broke becomes a RowValidationError naming the
 * column (the write is rolled back, so nothing is written); any other error is returned as it is.
 * Steps of the failed operation, so the same code explains on every driver:
 * `catch (error) { throw yield* explainConstraint(...) }`, no cost until a write fails.
 */
export function* explainConstraint(
  cache: ForeignKeyCache,
  table: string,
  values: Readonly<Record<string, unknown>>,
  error: unknown,
): Operation<unknown> {
  if (!sqliteCode(error)?.startsWith('SQLITE_CONSTRAINT')) return error;
  const issues = yield* constraintIssues(cache, table, values, error);
  return issues.length === 0 ? error : new RowValidationError(table, issues, { cause: error });
}

/** `explainConstraint` at once, on a synchronous connection. */
export function constraintError(
  sqlite: SqliteConnection,
  table: string,
  values: Readonly<Record<string, unknown>>,
  error: unknown,
): unknown {
  return syncRunner(sqlite).run(
    () => explainConstraint(foreignKeyCache(sqlite), table, values, error),
    READ,
  );
}

/**
 * `explainConstraint` without reading the database, for a caller that must answer at once on
 * any driver: a primary-key or unique conflict is told from the error text; anything that needs
 * the schema (a foreign key) is returned as it is.
 */
export function constraintErrorFromText(
  table: string,
  values: Readonly<Record<string, unknown>>,
  error: unknown,
): unknown {
  try {
    return drive(explainConstraint(new Map(), table, values, error), () => {
      throw error;
    });
  } catch {
    return error;
  }
}
