import type Database from 'better-sqlite3';
import type { ColumnMeta, TableMeta } from './metadata.ts';
import { escapeLike, quoteIdentifier } from './sql.ts';

/** A request the browser cannot serve as asked: bad column, operator, value or cursor. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

export const filterOperators = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'starts',
  'null',
  'notnull',
] as const;
export type FilterOperator = (typeof filterOperators)[number];

export interface Filter {
  column: string;
  op: FilterOperator;
  value?: string;
}

export type SortDirection = 'asc' | 'desc';

export interface PageRequest {
  /** A column's SQL name; default: rowid (insertion order). */
  sort?: string;
  direction?: SortDirection;
  filters?: Filter[];
  /** Opaque cursor from the previous page's `nextCursor`. */
  after?: string;
  limit?: number;
}

export type Row = Record<string, unknown> & { __rowid: number };

export interface Page {
  rows: Row[];
  /** Present when more rows follow; pass it as `after` for the next page. */
  nextCursor: string | undefined;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** The rowid alias used in every query; every table in the schema is a rowid table. */
const ROWID = '_rowid_';

interface Cursor {
  /** The sort column's value in the last row (absent when sorting by rowid). */
  v?: unknown;
  r: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor.r !== 'number' || !Number.isInteger(cursor.r)) throw new Error('no rowid');
    return cursor;
  } catch {
    throw new BadRequestError('invalid page cursor');
  }
}

function findColumn(table: TableMeta, columns: readonly ColumnMeta[], name: string): ColumnMeta {
  const column = columns.find((candidate) => candidate.name === name);
  if (!column) throw new BadRequestError(`${table.name} has no column ${JSON.stringify(name)}`);
  return column;
}

/**
 * Turns a filter's text into the value SQLite compares: numbers for numeric columns, 1/0 for
 * booleans, and dates (`2026-01-31`) into the epoch number the timestamp columns store.
 */
export function filterValue(column: ColumnMeta, text: string): string | number {
  const trimmed = text.trim();
  const numeric = trimmed !== '' && Number.isFinite(Number(trimmed));
  switch (column.display) {
    case 'boolean':
      if (trimmed === 'true') return 1;
      if (trimmed === 'false') return 0;
      return numeric ? Number(trimmed) : text;
    case 'number':
      return numeric ? Number(trimmed) : text;
    case 'timestamp-seconds':
    case 'timestamp-millis': {
      if (numeric) return Number(trimmed);
      const millis = Date.parse(trimmed);
      if (Number.isNaN(millis)) return text;
      return column.display === 'timestamp-seconds' ? Math.floor(millis / 1000) : millis;
    }
    default:
      return text;
  }
}

const comparison: Record<'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', string> = {
  eq: '=',
  ne: 'IS NOT',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

function filterClause(column: ColumnMeta, filter: Filter, params: unknown[]): string {
  const identifier = quoteIdentifier(column.name);
  if (filter.op === 'null') return `${identifier} IS NULL`;
  if (filter.op === 'notnull') return `${identifier} IS NOT NULL`;
  if (filter.value === undefined) {
    throw new BadRequestError(`filter ${filter.op} on ${column.name} needs a value`);
  }
  if (filter.op === 'contains' || filter.op === 'starts') {
    const pattern = escapeLike(filter.value);
    params.push(filter.op === 'contains' ? `%${pattern}%` : `${pattern}%`);
    return `${identifier} LIKE ? ESCAPE '\\'`;
  }
  params.push(filterValue(column, filter.value));
  return `${identifier} ${comparison[filter.op]} ?`;
}

/**
 * Keyset condition for rows after the cursor in (sort column, rowid) order. SQLite puts NULLs
 * first in ascending order and last in descending order, so NULL cursors need their own branch.
 */
function keysetClause(
  sort: ColumnMeta | undefined,
  direction: SortDirection,
  cursor: Cursor,
  params: unknown[],
): string {
  const after = direction === 'asc' ? '>' : '<';
  if (sort === undefined) {
    params.push(cursor.r);
    return `${ROWID} ${after} ?`;
  }
  const identifier = quoteIdentifier(sort.name);
  if (cursor.v === null || cursor.v === undefined) {
    params.push(cursor.r);
    const sameNull = `(${identifier} IS NULL AND ${ROWID} ${after} ?)`;
    return direction === 'asc' ? `(${sameNull} OR ${identifier} IS NOT NULL)` : sameNull;
  }
  // A row-value comparison, so SQLite seeks the column's index instead of scanning from the start.
  params.push(cursor.v, cursor.r);
  const beyond = `(${identifier}, ${ROWID}) ${after} (?, ?)`;
  // NULLs follow in descending order, unless the schema says the column has none.
  return direction === 'asc' || sort.notNull ? beyond : `(${beyond} OR ${identifier} IS NULL)`;
}

/** Values a browser can show: blobs become a size note (JSON would spell out every byte). */
function presentable(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `<blob: ${value.length} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * One page of a table by keyset pagination on (sort column, rowid): the cost of a page does not
 * grow with how far into the table it is (no OFFSET), and nothing counts the table.
 * `columns` are the table's columns present in the file (a database not yet migrated may lack some).
 */
export function readPage(
  sqlite: Database.Database,
  table: TableMeta,
  columns: readonly ColumnMeta[],
  request: PageRequest = {},
): Page {
  const limit = Math.min(
    Math.max(1, Math.floor(request.limit ?? DEFAULT_PAGE_SIZE)),
    MAX_PAGE_SIZE,
  );
  const direction: SortDirection = request.direction === 'desc' ? 'desc' : 'asc';
  const sortColumn =
    request.sort === undefined ? undefined : findColumn(table, columns, request.sort);
  const sort = sortColumn?.name;
  const params: unknown[] = [];
  const conditions = (request.filters ?? []).map((filter) => {
    if (!(filterOperators as readonly string[]).includes(filter.op)) {
      throw new BadRequestError(`unknown filter operator ${JSON.stringify(filter.op)}`);
    }
    return filterClause(findColumn(table, columns, filter.column), filter, params);
  });
  if (request.after !== undefined) {
    conditions.push(keysetClause(sortColumn, direction, decodeCursor(request.after), params));
  }
  const order = direction === 'asc' ? 'ASC' : 'DESC';
  const orderBy = sort
    ? `${quoteIdentifier(sort)} ${order}, ${ROWID} ${order}`
    : `${ROWID} ${order}`;
  const selected = columns.map((column) => quoteIdentifier(column.name)).join(', ');
  const sql =
    `SELECT ${ROWID} AS "__rowid", ${selected} FROM ${quoteIdentifier(table.name)}` +
    (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
    ` ORDER BY ${orderBy} LIMIT ${limit + 1}`;
  const found = sqlite.prepare(sql).all(...params) as Row[];
  const rows = found.slice(0, limit).map((row) => {
    for (const key of Object.keys(row)) row[key] = presentable(row[key]);
    return row;
  });
  const last = rows[rows.length - 1];
  const nextCursor =
    found.length > limit && last
      ? encodeCursor(sort ? { v: last[sort], r: last.__rowid } : { r: last.__rowid })
      : undefined;
  return { rows, nextCursor };
}

/** One row by rowid, or by equality on the given columns (for following a link). */
export function readRow(
  sqlite: Database.Database,
  table: TableMeta,
  columns: readonly ColumnMeta[],
  where: { rowid: number } | { match: Record<string, string | number | null> },
): Row | undefined {
  const params: unknown[] = [];
  let condition: string;
  if ('rowid' in where) {
    params.push(where.rowid);
    condition = `${ROWID} = ?`;
  } else {
    const entries = Object.entries(where.match);
    if (entries.length === 0) throw new BadRequestError('a row lookup needs at least one column');
    condition = entries
      .map(([name, value]) => {
        const column = findColumn(table, columns, name);
        if (value === null) return `${quoteIdentifier(column.name)} IS NULL`;
        params.push(typeof value === 'string' ? filterValue(column, value) : value);
        return `${quoteIdentifier(column.name)} = ?`;
      })
      .join(' AND ');
  }
  const selected = columns.map((column) => quoteIdentifier(column.name)).join(', ');
  const row = sqlite
    .prepare(
      `SELECT ${ROWID} AS "__rowid", ${selected} FROM ${quoteIdentifier(table.name)} WHERE ${condition} LIMIT 1`,
    )
    .get(...params) as Row | undefined;
  if (row) for (const key of Object.keys(row)) row[key] = presentable(row[key]);
  return row;
}
