import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { SeedRow } from './seeder.ts';

/** Rows buffered per table before they are written: bounds the memory a seed of millions takes. */
export const ROWS_PER_FLUSH = 10_000;
/** SQLite's historic limit of 999 bound values per statement, respected for every build. */
const MAX_VARIABLES = 999;
const MAX_ROWS_PER_STATEMENT = 100;

/**
 * Buffers rows of one table and writes them with prepared multi-row INSERTs, ROWS_PER_FLUSH rows at
 * a time, inside the caller's transaction (seedDatabase's: the whole seed commits or none). Values go through each column's own driver mapping
 * (JSON text, unix seconds, 0/1, timestamp text), so stored values are exactly what drizzle writes.
 *
 * Columns the generator does not fill are left to their default (NULL for a nullable column), or,
 * NOT NULL with no default, filled with a plain placeholder, so a column added to the schema later
 * does not break seeding.
 */
export class TableWriter {
  readonly name: string;
  /** The columns written, each with the value it gets when a row leaves it undefined. */
  private readonly columns: Array<{
    key: string;
    column: SQLiteColumn;
    placeholder: (index: number) => unknown;
  }>;
  private readonly rowsPerStatement: number;
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly keys: Set<string>;
  private readonly buffer: unknown[] = [];
  private buffered = 0;
  written = 0;

  constructor(
    private readonly sqlite: Database.Database,
    table: SQLiteTable,
    sample: SeedRow,
    private readonly onFlush: (rows: number) => void = () => {},
  ) {
    this.name = getTableName(table);
    this.columns = [];
    const tableColumns: Record<string, SQLiteColumn> = getTableColumns(table);
    for (const [key, column] of Object.entries(tableColumns)) {
      if (key in sample) {
        this.columns.push({ key, column, placeholder: () => undefined });
      } else if (!column.hasDefault && column.notNull) {
        // A nullable column the recipe leaves out is left out of the INSERT too (NULL all the
        // same), so a file one migration behind a newly added column can still be seeded.
        this.columns.push({ key, column, placeholder: placeholderFor(column) });
      }
    }
    this.keys = new Set(Object.keys(sample));
    const names = this.columns.map(({ column }) => `"${column.name}"`).join(', ');
    const tuple = `(${this.columns.map(() => '?').join(', ')})`;
    this.rowsPerStatement = Math.max(
      1,
      Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_VARIABLES / this.columns.length)),
    );
    const insert = (rows: number) =>
      sqlite.prepare(
        `INSERT INTO "${this.name}" (${names}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`,
      );
    this.many = insert(this.rowsPerStatement);
    this.one = insert(1);
  }

  add(row: SeedRow, index = this.written + this.buffered): void {
    // The columns are fixed by the first row: a key it lacked would be silently dropped.
    for (const key in row) {
      if (!this.keys.has(key))
        throw new Error(`${this.name}: seed row sets ${key}, which the first row did not`);
    }
    for (const { key, column, placeholder } of this.columns) {
      let value = row[key];
      if (value === undefined) value = placeholder(index);
      this.buffer.push(
        value === null || value === undefined ? null : column.mapToDriverValue(value),
      );
    }
    if (++this.buffered >= ROWS_PER_FLUSH) this.flush();
  }

  /** Writes the buffered rows. */
  flush(): void {
    if (this.buffered === 0) return;
    // Outside a transaction each statement would commit on its own: a failure would leave part.
    if (!this.sqlite.inTransaction)
      throw new Error(`${this.name}: seed rows written outside a transaction`);
    const width = this.columns.length;
    const values = this.buffer;
    const rows = this.buffered;
    const chunk = this.rowsPerStatement * width;
    let offset = 0;
    for (; offset + chunk <= values.length; offset += chunk) {
      this.many.run(values.slice(offset, offset + chunk));
    }
    for (; offset < values.length; offset += width) {
      this.one.run(values.slice(offset, offset + width));
    }
    this.buffer.length = 0;
    this.buffered = 0;
    this.written += rows;
    this.onFlush(rows);
  }
}

/** A value for a NOT NULL column the generator does not know and that has no default. */
function placeholderFor(column: SQLiteColumn): (index: number) => unknown {
  const values = (column as { enumValues?: readonly string[] }).enumValues;
  if (values && values.length > 0) return (i) => values[i % values.length];
  switch (column.dataType) {
    case 'number':
    case 'bigint':
      return () => 0;
    case 'boolean':
      return () => false;
    case 'date':
      return () => new Date(SEED_EPOCH_MS);
    case 'json':
      return () => ({});
    case 'custom':
      return () => new Date(SEED_EPOCH_MS);
    default:
      return (i) => `${column.name}-${i}`;
  }
}

/** The fixed "now" of seed data unless told otherwise: seeds must not depend on the clock. */
export const SEED_EPOCH_MS = Date.UTC(2025, 5, 1);
