import type { SeedContext } from './seed-context.ts';

/** How one database is seeded: how rows split across tables, and how they are made. */
export interface DatabaseSeeder<Table extends string = string> {
  /** Row counts per table (SQL names) adding up to `total`. */
  plan(total: number): Record<Table, number>;
  /** Writes the planned rows, parents first. */
  run(ctx: SeedContext, counts: Record<Table, number>): void;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
