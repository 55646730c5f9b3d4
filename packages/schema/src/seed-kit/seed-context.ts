import type Database from 'better-sqlite3';
import { getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { itemAt } from './item-at.ts';
import { freePositions, type Positions } from './free-positions.ts';
import { hashUnit, indexOfUint32, Random, uniqueHex, uniqueUint32 } from './random.ts';
import type { SeedContext, SeedRow } from './seeder.ts';
import { TableWriter } from './table-writer.ts';

/** The context `seedDatabase` gives a database's seeder, over one connection. */
export class DatabaseSeedContext implements SeedContext {
  readonly writers: TableWriter[] = [];

  constructor(
    readonly sqlite: Database.Database,
    readonly seed: number,
    /** The seed data's "now", in ms: every time is at or before it. */
    readonly now: number,
    /** Rows are added beside existing ones: keys skip the values already stored. */
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

  /** Hex text unique per (tag, index), for values no unique key holds (tokens, paths). */
  hex(tag: string, index: number, length = 8): string {
    return uniqueHex(this.seed, tag, index, length);
  }

  /**
   * Ids for a key: hex text unique per index (the tool's prefix goes before it; its last 8
   * digits identify it) that, when appending, is none of the ids already stored in `columns`
   * (the key and the columns referring to it), whatever seed wrote them. Make it once per key.
   */
  hexKey(tag: string, columns: SQLiteColumn | readonly SQLiteColumn[], length = 8) {
    const position = this.positions(tag, columns, (stored) => {
      const digits = typeof stored === 'string' ? stored.slice(-8) : '';
      return /^[0-9a-f]{8}$/.test(digits) ? Number.parseInt(digits, 16) : undefined;
    });
    return (index: number): string => uniqueHex(this.seed, tag, position(index), length);
  }

  /** Like hexKey, for a key made from a 32-bit number; `decode` reads the number back. */
  numberKey(tag: string, column: SQLiteColumn, decode: (stored: unknown) => number | undefined) {
    const position = this.positions(tag, column, decode);
    return (index: number): number => uniqueUint32(this.seed, tag, position(index));
  }

  /**
   * For keys numbered `<name>-<n>` (slugs): a first n above every number that ends a value of
   * `column`, so `<name>-<first + index>` is new; 0 when not appending.
   */
  firstFreeNumber(column: SQLiteColumn): number {
    if (!this.append) return 0;
    let max = -1;
    for (const value of this.storedValues(column)) {
      const match = typeof value === 'string' ? /(\d+)$/.exec(value) : null;
      if (match) max = Math.max(max, Number(match[1]));
    }
    return max + 1;
  }

  /** Index → the index whose key is free: itself unless appending onto keys already stored. */
  private positions(
    tag: string,
    columns: SQLiteColumn | readonly SQLiteColumn[],
    decode: (stored: unknown) => number | undefined,
  ): Positions {
    if (!this.append) return (index) => index;
    const taken: number[] = [];
    const list: readonly SQLiteColumn[] = Array.isArray(columns) ? columns : [columns];
    for (const column of list) {
      for (const value of this.storedValues(column)) {
        const n = decode(value);
        if (n !== undefined && n >= 0 && n <= 0xffffffff) {
          taken.push(indexOfUint32(this.seed, tag, n));
        }
      }
    }
    return freePositions(taken);
  }

  private storedValues(column: SQLiteColumn): IterableIterator<unknown> {
    const table = getTableName(column.table).replace(/"/g, '""');
    const name = column.name.replace(/"/g, '""');
    return this.sqlite
      .prepare(`SELECT "${name}" FROM "${table}" WHERE "${name}" IS NOT NULL`)
      .pluck()
      .iterate();
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
      for (let k = 0, count = itemAt(perParent, p); k < count; k++, index++) {
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

  statement(sql: string): Database.Statement {
    return this.sqlite.prepare(sql);
  }
}
