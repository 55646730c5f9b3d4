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
import { getTableColumns, getTableName, sql, type Column, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import {
  clientContext,
  type ClientOptions,
  type DriverTarget,
  type ModeOf,
  type SyncOnly,
} from '../shared/connection.ts';
import { explainConstraint, type ForeignKeyCache } from '../shared/constraints.ts';
import { numberOf, READ, SINGLE_WRITE } from '../shared/operations.ts';
import { inserter, toDriverRow } from '../shared/columns.ts';
import { rowDecoder } from '../shared/row-codec.ts';
import { sqlText } from '../shared/sql-text.ts';
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
    Column & { defaultFn?: () => unknown; onUpdateFn?: () => unknown }
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
  const columnOf = (key: string) => {
    const column = columns[key];
    if (!column) columnError(name, key, 'no such column');
    return column;
  };
  const sqlName = (key: string) => columnOf(key).name;
  const primaryKey = Object.keys(columns).filter((key) => columns[key]?.primary);
  const toRow = rowDecoder(table);
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

  // Statements are rendered from the table's columns (sql-text.ts), once per shape: which columns
  // an operation names, and which of them it compares with NULL. A synchronous runner prepares
  // each text once.
  const texts = new Map<string, string>();
  const textOf = (shape: string, build: () => SQL) => {
    let text = texts.get(shape);
    if (text === undefined) texts.set(shape, (text = sqlText(build())));
    return text;
  };
  /** A WHERE condition: its shape and its SQL; the values it binds are pushed on `params`. */
  interface Condition {
    shape: string;
    build: () => SQL;
  }
  const condition = (values: Record<string, unknown>, params: unknown[]): Condition => {
    const stored = toDriverRow(database, table, values);
    const parts = Object.keys(values).map((key) => {
      const column = columnOf(key);
      if (values[key] === null) return { key, column, isNull: true };
      params.push(stored[column.name]);
      return { key, column, isNull: false };
    });
    return {
      shape: parts.map((p) => (p.isNull ? `${p.key} null` : p.key)).join(','),
      build: () =>
        parts.length === 0
          ? sql`1`
          : sql.join(
              parts.map((p) => (p.isNull ? sql`${p.column} IS NULL` : sql`${p.column} = ?`)),
              sql` AND `,
            ),
    };
  };
  const keyCondition = (key: Record<string, unknown>, params: unknown[]) => {
    const keys = primaryKey.length > 0 ? primaryKey : Object.keys(key);
    for (const k of keys) {
      if (key[k] === undefined || key[k] === null)
        columnError(name, sqlName(k), 'the key is needed');
    }
    return condition(Object.fromEntries(keys.map((k) => [k, key[k]])), params);
  };
  const selectWhere = (where: Condition) =>
    textOf(`get|${where.shape}`, () => sql`SELECT * FROM ${table} WHERE ${where.build()}`);
  const keyText = (key: Record<string, unknown>) => JSON.stringify(Object.values(key).join(':'));

  type Stored = RowOf<RowSchemas>;
  // The SQL of an operation depends on which columns it names: a synchronous runner prepares
  // each text once.
  function* getRow(text: string, params: unknown[]): Operation<Stored | undefined> {
    return read((yield get(text, params)) as Row | undefined);
  }
  function* insertRow(stored: Row): Operation<Stored> {
    return read(yield* insert(stored)) as Stored;
  }
  function* listRows(text: string, params: unknown[]): Operation<Stored[]> {
    const rows = (yield all(text, params)) as Row[];
    return rows.map((stored) => read(stored) as Stored);
  }
  function* existingRow(
    text: string,
    params: unknown[],
    key: Record<string, unknown>,
  ): Operation<Stored> {
    const row = yield* getRow(text, params);
    if (!row) throw new NotFoundError(name, keyText(key));
    return row;
  }
  function* updateRow(
    text: string,
    params: unknown[],
    stored: Row,
    key: Record<string, unknown>,
  ): Operation<Stored> {
    let updated: Row | undefined;
    try {
      updated = (yield get(text, params)) as Row | undefined;
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, name, stored, error);
    }
    if (!updated) throw new NotFoundError(name, keyText(key));
    return read(updated) as Stored;
  }
  function* deleteRow(text: string, params: unknown[]): Operation<boolean> {
    try {
      return (yield get(text, params)) !== undefined;
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
      const text = selectWhere(keyCondition(key, params));
      return runner.run(() => getRow(text, params), READ);
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
      const by = options.orderBy === undefined ? undefined : columnOf(options.orderBy);
      const direction = options.direction === 'desc' ? 'DESC' : 'ASC';
      const order = by ? sql`${by} ${sql.raw(direction)}, rowid` : sql`rowid`;
      const text = textOf(
        `list|${where.shape}|${by ? `${options.orderBy} ${direction}` : ''}`,
        () => sql`SELECT * FROM ${table} WHERE ${where.build()} ORDER BY ${order} LIMIT ? OFFSET ?`,
      );
      return runner.run(() => listRows(text, [...params, limit, offset]), READ);
    },
    update(key, patch) {
      const parsed = parseRow(
        table,
        schemas.update,
        Object.keys(patch).length > 0 ? filled(patch, 'onUpdateFn') : patch,
      );
      const params: unknown[] = [];
      const stored = seal(toDriverRow(database, table, parsed));
      const set = Object.keys(stored);
      for (const column of set) params.push(stored[column]);
      const keyParams: unknown[] = [];
      const where = keyCondition(key, keyParams);
      if (set.length === 0) {
        const text = selectWhere(where);
        return runner.run(() => existingRow(text, keyParams, key), READ);
      }
      const text = textOf(`update|${set.join(',')}|${where.shape}`, () => {
        const assignments = set.map((column) => sql`${sql.identifier(column)} = ?`);
        return sql`UPDATE ${table} SET ${sql.join(assignments, sql`, `)} WHERE ${where.build()}
          RETURNING *`;
      });
      return runner.run(
        () => updateRow(text, [...params, ...keyParams], stored, key),
        SINGLE_WRITE,
      );
    },
    delete(key) {
      const params: unknown[] = [];
      const where = keyCondition(key, params);
      const text = textOf(
        `delete|${where.shape}`,
        () => sql`DELETE FROM ${table} WHERE ${where.build()} RETURNING 1`,
      );
      return runner.run(() => deleteRow(text, params), SINGLE_WRITE);
    },
    count(where) {
      const params: unknown[] = [];
      const matching = condition(where ?? {}, params);
      const text = textOf(
        `count|${matching.shape}`,
        () => sql`SELECT count(*) FROM ${table} WHERE ${matching.build()}`,
      );
      return numberOf(runner, text, params);
    },
  };
}
