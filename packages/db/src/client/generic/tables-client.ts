import {
  all,
  get,
  type Operation,
  type Result,
  type Row,
  type Runner,
  type RunnerMode,
} from '../../driver/operation.ts';
import type { SqliteConnection } from '../../driver/types.ts';
import {
  definitionOf,
  parseRow,
  type DatabaseName,
  type DefinitionOf,
  type RowOf,
  type RowSchemas,
  type SecretColumn,
} from '@agentstate/schema';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { z } from 'zod';
import {
  clientContext,
  type ClientOptions,
  type DriverTarget,
  type ModeOf,
  type SyncOnly,
} from '../shared/connection.ts';
import { explainConstraint, type ForeignKeyCache } from '../shared/constraints.ts';
import { READ, SINGLE_WRITE, valueOf } from '../shared/operations.ts';
import { inserter, rowMapper, toDriverRow } from '../shared/columns.ts';
import { columnError, NotFoundError } from '../shared/errors.ts';
import type { SecretBox } from '../shared/secrets.ts';

/** The most rows one `list` returns. */
export const LIST_LIMIT_MAX = 10_000;

type Columns<S extends RowSchemas> = S['table']['_']['columns'];
/** TypeScript keys of the columns declared `.primaryKey()`. */
type PrimaryKeys<S extends RowSchemas> = {
  [K in keyof Columns<S>]: Columns<S>[K] extends { _: { isPrimaryKey: true } } ? K : never;
}[keyof Columns<S>];
/** A row's primary key: its `.primaryKey()` column(s), or (a composite key) the key's columns. */
export type PrimaryKeyOf<S extends RowSchemas> = [PrimaryKeys<S>] extends [never]
  ? Partial<RowOf<S>>
  : Pick<RowOf<S>, PrimaryKeys<S> & keyof RowOf<S>>;

export interface ListOptions<Row> {
  /** Rows whose columns equal these values (`null` matches NULL). */
  where?: Partial<Row>;
  orderBy?: keyof Row & string;
  direction?: 'asc' | 'desc';
  /** Default 100, at most LIST_LIMIT_MAX. */
  limit?: number;
  offset?: number;
}

/**
 * Every operation on one table, each one statement (so atomic), validated by its row schemas.
 * `sync` (values) on better-sqlite3 and bun:sqlite, `async` (promises) on libSQL.
 */
export interface TableClient<S extends RowSchemas, M extends RunnerMode = 'sync'> {
  /** Validates the row (`insert` schema), writes it and returns it as stored. */
  insert(row: z.input<S['insert']>): Result<M, RowOf<S>>;
  get(key: PrimaryKeyOf<S>): Result<M, RowOf<S> | undefined>;
  list(options?: ListOptions<RowOf<S>>): Result<M, RowOf<S>[]>;
  /** Applies a partial change (`update` schema); NotFoundError when no row has the key. */
  update(key: PrimaryKeyOf<S>, patch: z.input<S['update']>): Result<M, RowOf<S>>;
  /** Whether a row was deleted. */
  delete(key: PrimaryKeyOf<S>): Result<M, boolean>;
  count(where?: Partial<RowOf<S>>): Result<M, number>;
}

/** The client of a database with no hand-made one: a TableClient per table, by SQL name. */
export type TablesClient<N extends DatabaseName, M extends RunnerMode = 'sync'> = {
  readonly [T in keyof DefinitionOf<N>['rows']]: DefinitionOf<N>['rows'][T] extends RowSchemas
    ? TableClient<DefinitionOf<N>['rows'][T], M>
    : never;
} & {
  /**
   * The connection, for a transaction spanning several operations (`sqlite.transaction`);
   * undefined on libSQL, where each operation is its own transaction.
   */
  readonly sqlite: SyncOnly<M, SqliteConnection>;
};

/** A client for every table of a database, from its definition alone. */
export function createTablesClient<N extends DatabaseName, T extends DriverTarget>(
  name: N,
  target: T,
  options: ClientOptions = {},
): TablesClient<N, ModeOf<T>> {
  const ctx = clientContext(target, options);
  const definition = definitionOf(name);
  const tables: Record<string, unknown> = { sqlite: ctx.sqlite };
  for (const [table, schemas] of Object.entries(definition.rows as Record<string, RowSchemas>)) {
    const secrets = (definition.secrets ?? []).filter((s: SecretColumn) => s.table === table);
    tables[table] = tableClient(name, ctx.runner, ctx.foreignKeys, schemas, secrets, ctx.secrets);
  }
  return tables as TablesClient<N, ModeOf<T>>;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function tableClient<M extends RunnerMode>(
  database: DatabaseName,
  runner: Runner<M>,
  foreignKeys: ForeignKeyCache,
  schemas: RowSchemas,
  secrets: readonly SecretColumn[],
  box: SecretBox,
): TableClient<RowSchemas, M> {
  const { table } = schemas;
  const name = getTableName(table);
  const columns = getTableColumns(table) as Record<
    string,
    { name: string; primary: boolean; defaultFn?: () => unknown; onUpdateFn?: () => unknown }
  >;
  // What drizzle's query builder fills in: `$defaultFn` on insert, `$onUpdateFn` on update.
  const filled = (row: object, fill: 'defaultFn' | 'onUpdateFn') => {
    const out: Record<string, unknown> = { ...row };
    for (const [key, column] of Object.entries(columns)) {
      const fn = column[fill];
      if (fn && out[key] === undefined) out[key] = fn();
    }
    return out;
  };
  const sqlName = (key: string) => {
    const column = columns[key];
    if (!column) columnError(name, key, 'no such column');
    return column.name;
  };
  const primaryKey = Object.keys(columns).filter((key) => columns[key]?.primary);
  const toRow = rowMapper(table);
  const insert = inserter(table, foreignKeys);

  // Secret columns are sealed on the way in and opened on the way out, bound to where they live.
  const secretFor = (stored: Record<string, unknown>) =>
    secrets.filter((s) => !s.keys || s.keys.values.includes(String(stored[s.keys.column])));
  const context = (s: SecretColumn, stored: Record<string, unknown>) =>
    `${database}.${name}.${s.keys ? String(stored[s.keys.column]) : s.column}`;
  const seal = (stored: Record<string, unknown>) => {
    for (const s of secretFor(stored)) {
      const value = stored[s.column];
      if (typeof value === 'string') stored[s.column] = box.seal(value, context(s, stored));
    }
    return stored;
  };
  const read = (stored: Record<string, unknown> | undefined) => {
    if (!stored) return undefined;
    for (const s of secretFor(stored)) {
      const value = stored[s.column];
      if (typeof value === 'string') stored[s.column] = box.open(value, context(s, stored));
    }
    return toRow(stored) as RowOf<RowSchemas>;
  };

  const condition = (values: Record<string, unknown>, params: unknown[]) => {
    const stored = toDriverRow(database, table, values);
    const parts = Object.keys(values).map((key) => {
      const column = sqlName(key);
      if (values[key] === null) return `${quote(column)} IS NULL`;
      params.push(stored[column]);
      return `${quote(column)} = ?`;
    });
    return parts.length > 0 ? parts.join(' AND ') : '1';
  };
  const keyCondition = (key: Record<string, unknown>, params: unknown[]) => {
    const keys = primaryKey.length > 0 ? primaryKey : Object.keys(key);
    for (const k of keys) {
      if (key[k] === undefined || key[k] === null)
        columnError(name, sqlName(k), 'the key is needed');
    }
    return condition(Object.fromEntries(keys.map((k) => [k, key[k]])), params);
  };
  const keyText = (key: Record<string, unknown>) => JSON.stringify(Object.values(key).join(':'));

  type Stored = RowOf<RowSchemas>;
  // The SQL of an operation depends on which columns it names: a synchronous runner prepares
  // each text once.
  function* getRow(where: string, params: unknown[]): Operation<Stored | undefined> {
    const stored = (yield get(`SELECT * FROM ${quote(name)} WHERE ${where}`, params)) as
      Row | undefined;
    return read(stored);
  }
  function* insertRow(stored: Row): Operation<Stored> {
    return read(yield* insert(stored)) as Stored;
  }
  function* listRows(sql: string, params: unknown[]): Operation<Stored[]> {
    const rows = (yield all(sql, params)) as Row[];
    return rows.map((stored) => read(stored) as Stored);
  }
  function* existingRow(
    where: string,
    params: unknown[],
    key: Record<string, unknown>,
  ): Operation<Stored> {
    const row = yield* getRow(where, params);
    if (!row) throw new NotFoundError(name, keyText(key));
    return row;
  }
  function* updateRow(
    sql: string,
    params: unknown[],
    stored: Row,
    key: Record<string, unknown>,
  ): Operation<Stored> {
    let updated: Row | undefined;
    try {
      updated = (yield get(sql, params)) as Row | undefined;
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, name, stored, error);
    }
    if (!updated) throw new NotFoundError(name, keyText(key));
    return read(updated) as Stored;
  }
  function* deleteRow(sql: string, params: unknown[]): Operation<boolean> {
    try {
      return (yield get(sql, params)) !== undefined;
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, name, {}, error);
    }
  }

  return {
    insert(row) {
      const parsed = parseRow(table, schemas.insert, filled(row, 'defaultFn'));
      const stored = seal(toDriverRow(database, table, parsed));
      return runner.run(() => insertRow(stored), SINGLE_WRITE);
    },
    get(key) {
      const params: unknown[] = [];
      const where = keyCondition(key, params);
      return runner.run(() => getRow(where, params), READ);
    },
    list(options = {}) {
      const limit = options.limit ?? 100;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
        columnError(name, '', `limit: expected a whole number from 1 to ${LIST_LIMIT_MAX}`);
      }
      const offset = options.offset ?? 0;
      if (!Number.isSafeInteger(offset) || offset < 0) {
        columnError(name, '', 'offset: expected a whole number ≥ 0');
      }
      const params: unknown[] = [];
      const where = condition(options.where ?? {}, params);
      const order = options.orderBy
        ? `${quote(sqlName(options.orderBy))} ${options.direction === 'desc' ? 'DESC' : 'ASC'}, rowid`
        : 'rowid';
      const sql = `SELECT * FROM ${quote(name)} WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
      return runner.run(() => listRows(sql, [...params, limit, offset]), READ);
    },
    update(key, patch) {
      const parsed = parseRow(
        table,
        schemas.update,
        Object.keys(patch).length > 0 ? filled(patch, 'onUpdateFn') : patch,
      );
      const params: unknown[] = [];
      const stored = seal(toDriverRow(database, table, parsed));
      const set = Object.keys(stored).map((column) => {
        params.push(stored[column]);
        return `${quote(column)} = ?`;
      });
      const keyParams: unknown[] = [];
      const where = keyCondition(key, keyParams);
      if (set.length === 0) {
        return runner.run(() => existingRow(where, keyParams, key), READ);
      }
      const sql = `UPDATE ${quote(name)} SET ${set.join(', ')} WHERE ${where} RETURNING *`;
      return runner.run(() => updateRow(sql, [...params, ...keyParams], stored, key), SINGLE_WRITE);
    },
    delete(key) {
      const params: unknown[] = [];
      const where = keyCondition(key, params);
      const sql = `DELETE FROM ${quote(name)} WHERE ${where} RETURNING 1`;
      return runner.run(() => deleteRow(sql, params), SINGLE_WRITE);
    },
    count(where) {
      const params: unknown[] = [];
      const condition_ = condition(where ?? {}, params);
      const sql = `SELECT count(*) FROM ${quote(name)} WHERE ${condition_}`;
      return runner.run(() => valueOf<number>(sql, params), READ);
    },
  };
}
