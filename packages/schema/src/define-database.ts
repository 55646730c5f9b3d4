import { getTableColumns, getTableName, is, type Table } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { EmbeddedMigration } from './migrations.ts';
import type { RowSchemas } from './row-schemas.ts';
import type { DatabaseSeeder } from './seed-kit/seeder.ts';

/**
 * Size limits of text and JSON values, in UTF-8 bytes. One megabyte for ordinary text; the
 * columns a definition names as payloads (model output, event payloads) get 16 MB. SQLite's own
 * limit is 1 GB: these catch a runaway value at the boundary, with a message naming the column.
 */
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const PAYLOAD_MAX_BYTES = 16 * 1024 * 1024;

/** Where a database lives by default: relative to the home folder or to the working directory. */
export interface DefaultLocation {
  base: 'home' | 'cwd';
  path: string;
}

/** `table.column`, SQL names. */
export type ColumnRef = `${string}.${string}`;

/** A column whose values are stored encrypted; `keys` limits it to the rows keyed by those values. */
export interface SecretColumn {
  table: string;
  column: string;
  /** The row's key column and the keys whose values are secrets (all rows when left out). */
  keys?: { column: string; values: readonly string[] };
}

/** One statement of a retention rule: rows of `table` matching `where` are deleted, or `set` applied. */
export interface RetentionStep {
  table: string;
  /** What the rows are, e.g. `finished jobs`. */
  what: string;
  /** SQL condition; `:cutoff` is bound to the cutoff (ISO text, or unix seconds where stated). */
  where: string;
  /** An UPDATE's SET clause instead of a DELETE (clearing references to pruned rows). */
  set?: string;
}

/** How long a database keeps finished work, and how it is removed (`pnpm db:prune`). */
export type Retention =
  | {
      /** Default age beyond which rows go, in ms. */
      defaultOlderThanMs: number;
      /**
       * How `:cutoff` is bound: ISO 8601 text, or unix seconds for integer timestamp columns;
       * `:local_cutoff` is always the cutoff as local wall-clock text with no zone.
       */
      cutoff: 'iso' | 'unix-seconds';
      description: string;
      /**
       * Steps run in order in one transaction. Each step's condition does not depend on earlier
       * steps having run, so a dry run (counting all steps first) reports exactly what a real run
       * removes.
       */
      steps: readonly RetentionStep[];
    }
  | {
      /** Why the database keeps everything, for the report. */
      none: string;
    };

/**
 * A full-text index: the FTS5 table `<table>_fts` (rowid = the row's rowid) and the triggers that
 * keep it in step with every writer. Drizzle cannot express them, so a hand-written migration
 * (`pnpm db:generate --custom`) creates and backfills them, with its `.down.sql` beside it.
 */
export interface FullTextIndex {
  /** The table searched. */
  table: string;
  /** What of a row is indexed, in a sentence (for the docs). */
  text: string;
  /** The tag of the migration that creates it. */
  migration: string;
}

/** The FTS5 table of a full-text index. */
export const fullTextTable = (index: Pick<FullTextIndex, 'table'>) => `${index.table}_fts`;

/** Everything about one database, in one place: `defineDatabase({...})` in its folder. */
export interface DatabaseConfig<
  Name extends string,
  Schema extends Record<string, unknown>,
  Rows extends Record<string, RowSchemas>,
> {
  /** Lower-case letters, digits and `_`: the name of folders, commands and env vars. */
  name: Name;
  /** One line: what the database holds, and for which tool. */
  description: string;
  /** Where the tool keeps the file; `AGENTSTATE_<NAME>_PATH` overrides it. */
  location: DefaultLocation;
  /** Tables and relations, as `drizzle(client, { schema })` takes them (its `schema.ts`). */
  schema: Schema;
  /** The zod row schemas of every table, by SQL table name. */
  rows: Rows;
  /** Columns allowed PAYLOAD_MAX_BYTES instead of DEFAULT_MAX_BYTES. */
  payloadColumns?: readonly ColumnRef[];
  /** Columns stored encrypted. */
  secrets?: readonly SecretColumn[];
  retention: Retention;
  /** Full-text indexes made by its migrations. */
  fullText?: readonly FullTextIndex[];
  /** Realistic rows for `pnpm db:seed`. */
  seeder: DatabaseSeeder;
  /** The drizzle-kit output folder (its `meta/_journal.json` and `.sql` files). */
  migrationsFolder: URL;
  /** The same migrations as data, for bundled apps (`migrations.generated.ts`). */
  migrations: readonly EmbeddedMigration[];
}

export interface DatabaseDefinition<
  Name extends string = string,
  Schema extends Record<string, unknown> = Record<string, unknown>,
  Rows extends Record<string, RowSchemas> = Record<string, RowSchemas>,
> extends Readonly<DatabaseConfig<Name, Schema, Rows>> {
  /** The environment variable that overrides the file, e.g. `AGENTSTATE_POKECODE_PATH`. */
  readonly envVar: string;
  /** The tables of `schema`, sorted by SQL name. */
  readonly tables: readonly SQLiteTable[];
  /** The byte limit of one column's text. */
  maxBytes(table: string, column: string): number;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Declares a database. Checks what a typo would otherwise turn into a failure far from here: the
 * name's form, and that every table of the schema has its row schemas and every column named by a
 * limit or a secret exists.
 */
export function defineDatabase<
  const Name extends string,
  Schema extends Record<string, unknown>,
  Rows extends Record<string, RowSchemas>,
>(config: DatabaseConfig<Name, Schema, Rows>): DatabaseDefinition<Name, Schema, Rows> {
  const where = `defineDatabase(${JSON.stringify(config.name)})`;
  if (!NAME.test(config.name)) {
    throw new Error(
      `${where}: name must be lower-case letters, digits and _, starting with a letter`,
    );
  }
  const tables = Object.values(config.schema)
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .sort((a, b) => getTableName(a).localeCompare(getTableName(b)));
  const columnsOf = new Map(tables.map((t) => [getTableName(t), columnNames(t)]));
  for (const table of columnsOf.keys()) {
    if (!(table in config.rows)) throw new Error(`${where}: rows.${table} is missing`);
  }
  for (const table of Object.keys(config.rows)) {
    if (!columnsOf.has(table)) throw new Error(`${where}: rows.${table}: no such table`);
  }
  const checkColumn = (ref: string, what: string) => {
    const [table = '', column = ''] = ref.split('.');
    if (!columnsOf.get(table)?.has(column))
      throw new Error(`${where}: ${what} ${ref}: no such column`);
  };
  for (const ref of config.payloadColumns ?? []) checkColumn(ref, 'payloadColumns');
  for (const index of config.fullText ?? []) {
    if (!columnsOf.has(index.table)) {
      throw new Error(`${where}: fullText ${index.table}: no such table`);
    }
    if (!config.migrations.some((m) => m.tag === index.migration)) {
      throw new Error(`${where}: fullText ${index.table}: no migration ${index.migration}`);
    }
  }
  for (const s of config.secrets ?? []) {
    checkColumn(`${s.table}.${s.column}`, 'secrets');
    if (s.keys) checkColumn(`${s.table}.${s.keys.column}`, 'secrets');
  }

  const payload = new Set<string>(config.payloadColumns ?? []);
  return Object.freeze({
    ...config,
    envVar: `AGENTSTATE_${config.name.toUpperCase()}_PATH`,
    tables,
    maxBytes: (table: string, column: string) =>
      payload.has(`${table}.${column}`) ? PAYLOAD_MAX_BYTES : DEFAULT_MAX_BYTES,
  });
}

function columnNames(table: Table): Set<string> {
  return new Set(Object.values(getTableColumns(table)).map((column) => column.name));
}
