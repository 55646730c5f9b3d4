import type Database from 'better-sqlite3';
import type { ColumnMeta, TableMeta } from './metadata.ts';
import { escapeLike, quoteIdentifier } from './sql.ts';

/**
 * A request the browser cannot serve as asked: bad column, operator, value or cursor. The message
 * starts with the parameter at fault: `limit: must be an integer from 1 to 500`.
 */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  constructor(
    readonly parameter: string,
    problem: string,
  ) {
    super(`${parameter}: ${problem}`);
  }
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

/** Which rows of a table, in which order: what a page and an export show. */
export interface ViewRequest {
  /** A column's SQL name; default: rowid (insertion order). */
  sort?: string;
  direction?: SortDirection;
  filters?: Filter[];
}

export interface PageRequest extends ViewRequest {
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
  /** The sort column (absent when sorting by rowid) and direction the cursor was made for. */
  s?: string;
  d: SortDirection;
  /** The sort column's value in the last row (absent when sorting by rowid). */
  v?: string | number | null;
  r: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function isCursor(value: unknown): value is Cursor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { s, d, v, r } = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(r) &&
    (d === 'asc' || d === 'desc') &&
    (s === undefined || typeof s === 'string') &&
    (v === undefined ||
      v === null ||
      typeof v === 'string' ||
      (typeof v === 'number' && Number.isFinite(v)))
  );
}

/** A cursor this module made for the same sort order; anything else is refused, never bound. */
function decodeCursor(text: string, sort: string | undefined, direction: SortDirection): Cursor {
  let cursor: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    cursor = undefined;
  }
  if (!isCursor(cursor)) {
    throw new BadRequestError('after', "not a page cursor (pass a page's nextCursor)");
  }
  if (cursor.s !== sort || cursor.d !== direction) {
    throw new BadRequestError(
      'after',
      `the cursor was made for another order (${cursor.s ?? 'rowid'} ${cursor.d}, not ${sort ?? 'rowid'} ${direction}); start from the first page`,
    );
  }
  return cursor;
}

function findColumn(
  table: TableMeta,
  columns: readonly ColumnMeta[],
  name: string,
  parameter: string,
): ColumnMeta {
  const column = columns.find((candidate) => candidate.name === name);
  if (!column) {
    throw new BadRequestError(
      parameter,
      `${table.name} has no column ${JSON.stringify(name)} (columns: ${columns.map((c) => c.name).join(', ')})`,
    );
  }
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

const expectedValue: Partial<Record<ColumnMeta['display'], string>> = {
  number: 'a number',
  boolean: 'true, false, 1 or 0',
  'timestamp-seconds': 'a date (2026-01-31) or an epoch number',
  'timestamp-millis': 'a date (2026-01-31) or an epoch number',
};

function filterClause(column: ColumnMeta, filter: Filter, params: unknown[]): string {
  const identifier = quoteIdentifier(column.name);
  if (filter.op === 'null') return `${identifier} IS NULL`;
  if (filter.op === 'notnull') return `${identifier} IS NOT NULL`;
  if (filter.value === undefined) {
    throw new BadRequestError('filter', `${column.name}:${filter.op} needs a value`);
  }
  if (filter.op === 'contains' || filter.op === 'starts') {
    const pattern = escapeLike(filter.value);
    params.push(filter.op === 'contains' ? `%${pattern}%` : `${pattern}%`);
    return `${identifier} LIKE ? ESCAPE '\\'`;
  }
  const value = filterValue(column, filter.value);
  const expected = expectedValue[column.display];
  // A comparison with text the column's type cannot hold would silently match nothing (or all).
  if (expected !== undefined && typeof value === 'string') {
    throw new BadRequestError(
      'filter',
      `${column.name} takes ${expected}, not ${JSON.stringify(filter.value)}`,
    );
  }
  params.push(value);
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

/**
 * Values a browser can show: blobs become a size note (JSON would spell out every byte); the SQL
 * box's runner sends a blob as `{ blobBytes }` for the same note.
 */
export function presentable(value: unknown): unknown {
  if (value instanceof Uint8Array) return `<blob: ${value.length} bytes>`;
  if (typeof value === 'object' && value !== null && 'blobBytes' in value) {
    return `<blob: ${String(value.blobBytes)} bytes>`;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

interface ViewQuery {
  /** `WHERE ... ORDER BY ...` (no LIMIT). */
  clauses: string;
  params: unknown[];
  sort: ColumnMeta | undefined;
  direction: SortDirection;
}

/** The WHERE and ORDER BY of a view, validated against the table's columns; `after` pages it. */
function viewQuery(
  table: TableMeta,
  columns: readonly ColumnMeta[],
  request: ViewRequest & { after?: string },
): ViewQuery {
  const direction: SortDirection = request.direction === 'desc' ? 'desc' : 'asc';
  const sort =
    request.sort === undefined ? undefined : findColumn(table, columns, request.sort, 'sort');
  const params: unknown[] = [];
  const conditions = (request.filters ?? []).map((filter) => {
    if (!(filterOperators as readonly string[]).includes(filter.op)) {
      throw new BadRequestError(
        'filter',
        `unknown operator ${JSON.stringify(filter.op)} (one of ${filterOperators.join(', ')})`,
      );
    }
    return filterClause(findColumn(table, columns, filter.column, 'filter'), filter, params);
  });
  if (request.after !== undefined) {
    const cursor = decodeCursor(request.after, sort?.name, direction);
    conditions.push(keysetClause(sort, direction, cursor, params));
  }
  const order = direction === 'asc' ? 'ASC' : 'DESC';
  const orderBy = sort
    ? `${quoteIdentifier(sort.name)} ${order}, ${ROWID} ${order}`
    : `${ROWID} ${order}`;
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return { clauses: `${where} ORDER BY ${orderBy}`, params, sort, direction };
}

function selectedColumns(columns: readonly ColumnMeta[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
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
  const { clauses, params, sort, direction } = viewQuery(table, columns, request);
  const sql =
    `SELECT ${ROWID} AS "__rowid", ${selectedColumns(columns)} FROM ${quoteIdentifier(table.name)}` +
    `${clauses} LIMIT ${limit + 1}`;
  const found = sqlite.prepare(sql).all(...params) as Row[];
  const rows = found.slice(0, limit);
  const last = rows[rows.length - 1];
  // The cursor holds the value as stored, before it is made presentable.
  const nextCursor =
    found.length > limit && last
      ? encodeCursor(
          sort
            ? { s: sort.name, d: direction, v: last[sort.name] as Cursor['v'], r: last.__rowid }
            : { d: direction, r: last.__rowid },
        )
      : undefined;
  for (const row of rows) for (const key of Object.keys(row)) row[key] = presentable(row[key]);
  return { rows, nextCursor };
}

/**
 * The SQL of a whole view (every row the filters match, in the view's order), for export. The
 * request is validated here, so a bad one fails before anything is sent.
 */
export function viewSql(
  table: TableMeta,
  columns: readonly ColumnMeta[],
  request: ViewRequest = {},
): { sql: string; params: unknown[] } {
  const { clauses, params } = viewQuery(table, columns, request);
  return {
    sql: `SELECT ${selectedColumns(columns)} FROM ${quoteIdentifier(table.name)}${clauses}`,
    params,
  };
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
    if (entries.length === 0) throw new BadRequestError('match', 'needs at least one column');
    condition = entries
      .map(([name, value]) => {
        const column = findColumn(table, columns, name, 'match');
        if (value === null) return `${quoteIdentifier(column.name)} IS NULL`;
        params.push(typeof value === 'string' ? filterValue(column, value) : value);
        return `${quoteIdentifier(column.name)} = ?`;
      })
      .join(' AND ');
  }
  const row = sqlite
    .prepare(
      `SELECT ${ROWID} AS "__rowid", ${selectedColumns(columns)} FROM ${quoteIdentifier(table.name)} WHERE ${condition} LIMIT 1`,
    )
    .get(...params) as Row | undefined;
  if (row) for (const key of Object.keys(row)) row[key] = presentable(row[key]);
  return row;
}
