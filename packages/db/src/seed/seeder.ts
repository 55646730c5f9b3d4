import type { SeedContext } from './seed-context.ts';

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
