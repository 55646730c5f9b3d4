import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Random } from './random.ts';

/** One row to write, by TypeScript key, in the values drizzle's columns take. */
export type SeedRow = Record<string, unknown>;

/**
 * What a database's seeder gets from `pnpm db:seed`: deterministic randomness, keys that are
 * fresh even when appending, and writers that insert rows in batches inside the seed's one
 * transaction.
 */
export interface SeedContext {
  /** The PRNG seed: the same seed and row count always produce the same rows. */
  readonly seed: number;
  /** The seed data's "now", in ms: every time is at or before it. */
  readonly now: number;
  /** Rows are added beside existing ones. */
  readonly append: boolean;
  /** A random stream of its own per tag, so one table's choices never shift another's. */
  random(tag: string): Random;
  /** A fixed number in [0, 1) for (tag, index): lets tables agree on facts about each other's rows. */
  unit(tag: string, index: number): number;
  /** Hex id text unique per (tag, index). */
  hex(tag: string, index: number, length?: number): string;
  /**
   * Ids for a key: hex text unique per index (the tool's prefix goes before it; its last 8
   * digits identify it) that, when appending, is none of the ids already stored in `columns`
   * (the key and the columns referring to it), whatever seed wrote them. Make it once per key.
   */
  hexKey(
    tag: string,
    columns: SQLiteColumn | readonly SQLiteColumn[],
    length?: number,
  ): (index: number) => string;
  /** Like hexKey, for a key made from a 32-bit number; `decode` reads the number back. */
  numberKey(
    tag: string,
    column: SQLiteColumn,
    decode: (stored: unknown) => number | undefined,
  ): (index: number) => number;
  /**
   * For keys numbered `<name>-<n>` (slugs): a first n above every number that ends a value of
   * `column`, so `<name>-<first + index>` is new; 0 when not appending.
   */
  firstFreeNumber(column: SQLiteColumn): number;
  /** A time `msAgo` before the seed's now. */
  ago(msAgo: number): Date;
  /** Writes `count` rows made by `make(i)` and returns how many were written. */
  insert(table: SQLiteTable, count: number, make: (index: number) => SeedRow): number;
  /**
   * Writes children grouped by parent: `perParent[p]` rows for parent p, made by
   * `make(parent, k, index)` where k counts within the parent and index across the table.
   */
  insertChildren(
    table: SQLiteTable,
    perParent: ArrayLike<number>,
    make: (parent: number, k: number, index: number) => SeedRow,
  ): number;
  /** A statement of its own, in the seed's transaction (e.g. the second pass of a cycle). */
  statement(sql: string): { run(...params: unknown[]): unknown };
}

/** How one database is seeded: how rows split across tables, and how they are made. */
export interface DatabaseSeeder<Table extends string = string> {
  /**
   * Row counts per table (SQL names) adding up to `total`. When appending, tables holding a fixed
   * set of keys (settings, credentials) get none: the database keeps its own.
   */
  plan(total: number, append: boolean): Record<Table, number>;
  /** Writes the planned rows, parents first, inside the caller's transaction. */
  run(ctx: SeedContext, counts: Record<Table, number>): void;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
