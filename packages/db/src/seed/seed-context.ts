import type Database from 'better-sqlite3';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { hashUnit, Random, uniqueHex, uniqueUint32 } from './random.ts';
import { TableWriter, type SeedRow } from './table-writer.ts';

/** What a database's seeder gets: deterministic randomness, the planned counts and the writers. */
export class SeedContext {
  readonly writers: TableWriter[] = [];

  constructor(
    readonly sqlite: Database.Database,
    readonly seed: number,
    /** The seed data's "now", in ms: every time is at or before it. */
    readonly now: number,
    /** Rows are added beside existing ones: fixed keys (settings, slugs) get the seed as suffix. */
    readonly append: boolean,
    private readonly onRows: (rows: number) => void,
  ) {}

  /** A random stream of its own per tag, so one table's choices never shift another's. */
  random(tag: string): Random {
    return new Random(this.seed, tag);
  }

  /** A fixed number in [0, 1) for (tag, index): lets tables agree on facts about each other's rows. */
  unit(tag: string, index: number): number {
    return hashUnit(this.seed, tag, index);
  }

  /** Hex id text unique per (tag, index). */
  hex(tag: string, index: number, length = 8): string {
    return uniqueHex(this.seed, tag, index, length);
  }

  /** A 32-bit number unique per (tag, index), e.g. for phone numbers. */
  uniqueNumber(tag: string, index: number): number {
    return uniqueUint32(this.seed, tag, index);
  }

  /** A fixed key (a setting's name, a slug), suffixed with the seed when appending. */
  key(key: string): string {
    return this.append ? `${key}-${this.seed}` : key;
  }

  /** A time `msAgo` before the seed's now. */
  ago(msAgo: number): Date {
    return new Date(this.now - Math.round(msAgo));
  }

  /** Writes `count` rows made by `make(i)` and returns how many were written. */
  insert(table: SQLiteTable, count: number, make: (index: number) => SeedRow): number {
    if (count === 0) return 0;
    const first = make(0);
    const writer = new TableWriter(this.sqlite, table, first, this.onRows);
    this.writers.push(writer);
    writer.add(first, 0);
    for (let i = 1; i < count; i++) writer.add(make(i), i);
    writer.flush();
    return count;
  }

  /**
   * Writes children grouped by parent: `perParent[p]` rows for parent p, made by
   * `make(parent, k, index)` where k counts within the parent and index across the table.
   */
  insertChildren(
    table: SQLiteTable,
    perParent: ArrayLike<number>,
    make: (parent: number, k: number, index: number) => SeedRow,
  ): number {
    let index = 0;
    let writer: TableWriter | undefined;
    for (let p = 0; p < perParent.length; p++) {
      for (let k = 0; k < perParent[p]!; k++, index++) {
        const row = make(p, k, index);
        if (!writer) {
          writer = new TableWriter(this.sqlite, table, row, this.onRows);
          this.writers.push(writer);
        }
        writer.add(row, index);
      }
    }
    writer?.flush();
    return index;
  }
}
