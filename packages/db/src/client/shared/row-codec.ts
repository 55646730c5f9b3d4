import { Column, getTableColumns, getTableName, type Table } from 'drizzle-orm';

/**
 * Row codecs compiled from a table's Drizzle columns. Each column converts with its own driver
 * mapping (JSON mode, timestamp modes, booleans, the schema's text timestamps); a column whose
 * mapping is the identity is copied. The codec is one generated function per table, so reading a
 * row costs what a hand-written object literal costs, and a column added to the schema is read and
 * written without another line here.
 */

type Convert = (value: unknown) => unknown;
type Row = Record<string, unknown>;

/** Conversions that replace a column's own mapping (a zone-aware time, JSON kept with its text). */
export type CodecOverrides<T extends Table> = Partial<
  Record<keyof T['$inferSelect'] & string, Convert>
>;

interface DriverColumn {
  name: string;
  mapToDriverValue(value: unknown): unknown;
  mapFromDriverValue(value: unknown): unknown;
}

/** Whether a column's mapping is the one every column inherits from drizzle's base: the identity. */
function inheritsIdentity(column: DriverColumn, method: keyof DriverColumn): boolean {
  let proto: object | null = Object.getPrototypeOf(column) as object | null;
  while (proto !== null && !Object.hasOwn(proto, method)) {
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return proto === Column.prototype;
}

function driverColumns(table: Table): Array<[key: string, column: DriverColumn]> {
  return Object.entries(getTableColumns(table)) as Array<[string, DriverColumn]>;
}

/** The column's conversion, or undefined when it stores the value as it is. */
function conversion(column: DriverColumn, direction: 'from' | 'to'): Convert | undefined {
  if (direction === 'from') {
    if (inheritsIdentity(column, 'mapFromDriverValue')) return undefined;
    return (value) => column.mapFromDriverValue(value);
  }
  if (inheritsIdentity(column, 'mapToDriverValue')) return undefined;
  return (value) => column.mapToDriverValue(value);
}

/** Builds `body` as a function whose free variables `c0..cN` are the given conversions. */
function compile<F>(name: string, converts: Convert[], body: string): F {
  const names = converts.map((_, i) => `c${i}`);
  // The table's name only labels the function in stack traces and profiles.
  const label = name.replace(/\W/g, '_');
  // Generated from column metadata only (names are JSON-quoted): never from data.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...names, `return function ${label}(r) { ${body} };`) as (
    ...fns: Convert[]
  ) => F;
  return factory(...converts);
}

/**
 * SQL row (column names, stored formats) to the table's typed row (property keys, typed values).
 * NULL, and a column the row lacks (a file from before the column's migration), read as null.
 */
export function rowDecoder<T extends Table>(
  table: T,
  overrides: CodecOverrides<T> = {},
): (row: Row) => T['$inferSelect'] {
  const converts: Convert[] = [];
  const fields = driverColumns(table).map(([key, column]) => {
    const read = `r[${JSON.stringify(column.name)}]`;
    const convert =
      (overrides as Record<string, Convert | undefined>)[key] ?? conversion(column, 'from');
    if (convert === undefined) return `${JSON.stringify(key)}: ${read} ?? null`;
    converts.push(convert);
    return `${JSON.stringify(key)}: (v = ${read}) === null || v === undefined ? null : c${converts.length - 1}(v)`;
  });
  return compile(
    `decode_${getTableName(table)}`,
    converts,
    `let v; return { ${fields.join(', ')} };`,
  );
}

/** Input conversions by property key; each takes the value as the caller gives it. */
type EncodeOverrides<K extends string> = { [P in K]?: (value: never) => unknown };

/** What an encoder takes: the typed insert value of each key, or the input of its override. */
type EncoderInput<T extends Table, K extends keyof T['$inferInsert'] & string, O> = {
  [P in K]?: (O extends Record<P, (value: infer V) => unknown> ? V : T['$inferInsert'][P]) | null;
};

/**
 * Typed values to the stored values of `keys`, in that order: the parameters of a statement whose
 * columns are `columnNames(table, keys)`. An undefined or null value is stored as NULL (give a
 * defaulted column its value, or leave it out of `keys`).
 */
export function rowEncoder<
  T extends Table,
  K extends keyof T['$inferInsert'] & string,
  O extends EncodeOverrides<K> = Record<never, never>,
>(table: T, keys: readonly K[], overrides?: O): (values: EncoderInput<T, K, O>) => unknown[] {
  const columns = new Map(driverColumns(table));
  const given = (overrides ?? {}) as Record<string, Convert | undefined>;
  const converts: Convert[] = [];
  const items = keys.map((key) => {
    const column = columns.get(key);
    if (column === undefined) throw new Error(`${getTableName(table)} has no column ${key}`);
    const read = `r[${JSON.stringify(key)}]`;
    const convert = given[key] ?? conversion(column, 'to');
    if (convert === undefined) return `${read} ?? null`;
    converts.push(convert);
    return `(v = ${read}) === null || v === undefined ? null : c${converts.length - 1}(v)`;
  });
  return compile(`encode_${getTableName(table)}`, converts, `let v; return [${items.join(', ')}];`);
}

/** The SQL names of a table's columns given by property key, in the keys' order. */
export function columnNames<T extends Table>(
  table: T,
  keys: readonly (keyof T['$inferSelect'] & string)[],
): string[] {
  const columns = new Map(driverColumns(table));
  return keys.map((key) => {
    const column = columns.get(key);
    if (column === undefined) throw new Error(`${getTableName(table)} has no column ${key}`);
    return column.name;
  });
}
