import type { DatabaseName } from '@agentstate/schema';
import { NotFoundError as RowNotFoundError, StateError } from '@agentstate/db';
import {
  ReadOnlyError,
  type DatabaseCatalog,
  type DatabaseSummary,
  type TableState,
} from './catalog.ts';
import { renderErDiagram } from './er-diagram.ts';
import type { LinkMeta } from './metadata.ts';
import { exportContentTypes, exportFormats, exportRows, type ExportFormat } from './export.ts';
import {
  BadRequestError,
  filterOperators,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  readPage,
  readRow,
  viewSql,
  type Filter,
  type FilterOperator,
  type Row,
  type ViewRequest,
} from './rows.ts';
import {
  deadLetterTable,
  listDeadLetters,
  parseRetryRequest,
  retryDeadLetters,
  searchableTables,
  searchTable,
} from './search-and-dead-letters.ts';
import { isAborted, type SqlBox } from './sql-box.ts';
import { quoteIdentifier } from './sql.ts';

export interface ApiResponse {
  status: number;
  contentType: string;
  /** A string, or chunks pulled one at a time as the client takes them (an export). */
  body: string | Iterable<string>;
  headers?: Record<string, string>;
}

export interface ApiContext {
  catalog: DatabaseCatalog;
  sqlBox: SqlBox;
}

/** The request names something that can exist but does not now (no file, no such row). */
class NotFoundError extends Error {}

function json(value: unknown, status = 200): ApiResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/**
 * An endpoint's query parameters: unknown names and repeats of single-valued ones are refused, so
 * a typo (`filters=`) fails instead of being ignored.
 */
function checkParameterNames(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of new Set(query.keys())) {
    if (!allowed.includes(name)) {
      throw new BadRequestError(
        name,
        allowed.length === 0
          ? 'unknown parameter (this endpoint takes none)'
          : `unknown parameter (this endpoint takes ${allowed.join(', ')})`,
      );
    }
  }
}

class QueryParameters {
  constructor(
    private readonly query: URLSearchParams,
    allowed: readonly string[],
  ) {
    checkParameterNames(query, allowed);
  }

  one(name: string): string | undefined {
    const values = this.query.getAll(name);
    if (values.length > 1) throw new BadRequestError(name, 'given more than once');
    return values[0];
  }

  all(name: string): string[] {
    return this.query.getAll(name);
  }

  /** An integer parameter in [min, max], or `fallback` when absent. */
  integer(name: string, min: number, max: number, fallback: number): number {
    const text = this.one(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      throw new BadRequestError(
        name,
        `must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`,
      );
    }
    return value;
  }

  direction(): 'asc' | 'desc' | undefined {
    const dir = this.one('dir');
    if (dir === undefined || dir === 'asc' || dir === 'desc') return dir;
    throw new BadRequestError('dir', `must be asc or desc, not ${JSON.stringify(dir)}`);
  }

  view(): ViewRequest {
    return {
      sort: this.one('sort'),
      direction: this.direction(),
      filters: this.all('filter').map(parseFilter),
    };
  }
}

/** Incoming links are counted up to this many rows, so a row detail stays cheap on big tables. */
export const INCOMING_COUNT_CAP = 1000;

/** `filter=<column>:<op>[:<value>]`; the value may itself contain colons. */
export function parseFilter(text: string): Filter {
  const first = text.indexOf(':');
  if (first === -1) {
    throw new BadRequestError('filter', `${JSON.stringify(text)} is not column:op[:value]`);
  }
  const column = text.slice(0, first);
  const rest = text.slice(first + 1);
  const second = rest.indexOf(':');
  const op = second === -1 ? rest : rest.slice(0, second);
  if (!(filterOperators as readonly string[]).includes(op)) {
    throw new BadRequestError(
      'filter',
      `unknown operator ${JSON.stringify(op)} (one of ${filterOperators.join(', ')})`,
    );
  }
  return {
    column,
    op: op as FilterOperator,
    value: second === -1 ? undefined : rest.slice(second + 1),
  };
}

function tableSummary(catalog: DatabaseCatalog, name: DatabaseName, table: TableState) {
  return {
    name: table.meta.name,
    key: table.meta.key,
    exists: table.exists,
    rowCount: table.exists ? catalog.rowCount(name, table.meta.name) : undefined,
    columns: table.columns,
    missingColumns: table.missingColumns,
    primaryKey: table.meta.primaryKey,
    indexes: table.meta.indexes,
    outgoing: table.meta.outgoing,
    incoming: table.meta.incoming,
  };
}

/** The row a link leads to from `row`, as column → value; undefined when the link is empty (NULL). */
function linkTarget(link: LinkMeta, row: Row): Record<string, string | number> | undefined {
  const match: Record<string, string | number> = {};
  for (const [index, column] of link.fromColumns.entries()) {
    const value = row[column];
    const target = link.toColumns[index];
    if (value === null || value === undefined || target === undefined) return undefined;
    match[target] = value as string | number;
  }
  return match;
}

function rowDetail(catalog: DatabaseCatalog, name: DatabaseName, table: TableState, row: Row) {
  const sqlite = catalog.connection(name);
  const outgoing = table.meta.outgoing.map((link) => ({ link, match: linkTarget(link, row) }));
  const incoming = table.meta.incoming.map((link) => {
    const child = catalog.table(name, link.fromTable);
    const match: Record<string, string | number> = {};
    link.toColumns.forEach((column, index) => {
      const from = link.fromColumns[index];
      if (from !== undefined) match[from] = row[column] as string | number;
    });
    const usable =
      child?.exists &&
      link.fromColumns.every((column) => child.columns.some((c) => c.name === column)) &&
      Object.values(match).every((value) => value !== null && value !== undefined);
    if (!usable || !child) return { link, match, count: 0 };
    const where = link.fromColumns.map((column) => `${quoteIdentifier(column)} = ?`).join(' AND ');
    const count = sqlite
      .prepare(
        `SELECT COUNT(*) FROM (SELECT 1 FROM ${quoteIdentifier(child.meta.name)} WHERE ${where} LIMIT ${INCOMING_COUNT_CAP + 1})`,
      )
      .pluck()
      .get(...link.fromColumns.map((column) => match[column])) as number;
    return { link, match, count, capped: count > INCOMING_COUNT_CAP };
  });
  return { row, outgoing, incoming };
}

function requireTable(catalog: DatabaseCatalog, name: DatabaseName, tableName: string): TableState {
  const table = catalog.table(name, tableName);
  if (!table) {
    const names = catalog.tables(name).map((state) => state.meta.name);
    throw new BadRequestError(
      'table',
      `${name} has no table ${JSON.stringify(tableName)} (tables: ${names.join(', ')})`,
    );
  }
  if (!table.exists) {
    throw new NotFoundError(`${name}: table ${tableName} is not in the file (not migrated yet?)`);
  }
  return table;
}

function parseMatch(text: string): Record<string, string | number | null> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('match', 'must be a JSON object of column: value');
  }
  for (const item of Object.values(value)) {
    if (item !== null && typeof item !== 'string' && typeof item !== 'number') {
      throw new BadRequestError('match', 'values must be strings, numbers or null');
    }
  }
  return value as Record<string, string | number | null>;
}

function pathParts(url: URL): string[] {
  try {
    return url.pathname.split('/').slice(2).map(decodeURIComponent); // after "/api"
  } catch {
    throw new BadRequestError('path', 'malformed percent-encoding');
  }
}

function exportResponse(
  catalog: DatabaseCatalog,
  name: DatabaseName,
  table: TableState,
  format: ExportFormat,
  view: ViewRequest,
): ApiResponse {
  // Built (and so validated) now, before the 200 is sent; the rows are read as the client takes them.
  const { sql, params } = viewSql(table.meta, table.columns, view);
  return {
    status: 200,
    contentType: exportContentTypes[format],
    headers: {
      'content-disposition': `attachment; filename="${name}-${table.meta.name}.${format}"`,
    },
    body: {
      [Symbol.iterator]: () =>
        exportRows(() => catalog.openReader(name), sql, params, table.columns, format),
    },
  };
}

/** One page of the SQL box's result; pages are as long as a table's. */
async function sqlResponse(
  sqlBox: SqlBox,
  path: string,
  query: QueryParameters,
  signal: AbortSignal | undefined,
): Promise<ApiResponse> {
  const sql = query.one('q');
  if (sql === undefined) throw new BadRequestError('q', 'missing: the SQL to run');
  if (sql.trim() === '') throw new BadRequestError('q', 'empty');
  const offset = query.integer('offset', 0, sqlBox.rowLimit - 1, 0);
  const limit = query.integer('limit', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  return json(await sqlBox.run(path, sql, { offset, limit, signal }));
}

/** A database the studio shows, whose file exists. */
function requireDatabase(catalog: DatabaseCatalog, name: string): DatabaseSummary {
  if (!catalog.has(name)) {
    const shown = catalog.list().map((database) => database.name);
    throw new BadRequestError(
      'database',
      `no database ${JSON.stringify(name)} is shown (databases: ${shown.join(', ')})`,
    );
  }
  const summary = catalog.list().find((database) => database.name === name);
  if (!summary?.exists) throw new NotFoundError(`${name}: no file at ${summary?.path}`);
  return summary;
}

async function route(
  context: ApiContext,
  url: URL,
  signal: AbortSignal | undefined,
): Promise<ApiResponse> {
  const { catalog } = context;
  const parts = pathParts(url);
  const query = url.searchParams;
  if (parts[0] !== 'databases') throw new NotFoundError('no such endpoint');
  if (parts.length === 1) {
    checkParameterNames(query, []);
    return json({ databases: catalog.list() });
  }

  const summary = requireDatabase(catalog, parts[1] ?? '');
  const name = summary.name;

  if (parts.length === 2) {
    checkParameterNames(query, []);
    const meta = catalog.meta(name);
    return json({
      ...summary,
      tables: catalog.tables(name).map((table) => tableSummary(catalog, name, table)),
      links: meta.links,
      search: searchableTables(name),
      deadLetters: deadLetterTable(name) ?? null,
      sqlLimits: { timeLimitMs: context.sqlBox.timeLimitMs, rowLimit: context.sqlBox.rowLimit },
    });
  }
  if (parts.length === 3 && parts[2] === 'er.svg') {
    checkParameterNames(query, []);
    return {
      status: 200,
      contentType: 'image/svg+xml; charset=utf-8',
      body: renderErDiagram(catalog.meta(name), (table) => `#/db/${name}/t/${table}`),
    };
  }
  if (parts.length === 3 && parts[2] === 'sql') {
    const params = new QueryParameters(query, ['q', 'offset', 'limit']);
    return sqlResponse(context.sqlBox, summary.path, params, signal);
  }
  if (parts.length === 3 && parts[2] === 'search') {
    const params = new QueryParameters(query, ['table', 'q', 'limit']);
    const q = params.one('q');
    if (q === undefined) throw new BadRequestError('q', 'missing: the words to search for');
    const table = params.one('table') ?? searchableTables(name)[0]?.table ?? '';
    const limit = params.integer('limit', 1, 1000, 50);
    return json(searchTable(catalog.connection(name), name, { table, query: q, limit }));
  }
  if (parts.length === 3 && parts[2] === 'dead-letters') {
    const params = new QueryParameters(query, ['limit']);
    const limit = params.integer('limit', 1, 1000, 100);
    return json(listDeadLetters(catalog.connection(name), name, limit));
  }
  if (parts[2] !== 'tables' || parts[3] === undefined) throw new NotFoundError('no such endpoint');
  const table = requireTable(catalog, name, parts[3]);

  if (parts.length === 4) {
    checkParameterNames(query, []);
    return json(tableSummary(catalog, name, table));
  }
  if (parts.length === 5 && parts[4] === 'rows') {
    const params = new QueryParameters(query, ['sort', 'dir', 'filter', 'after', 'limit']);
    const page = readPage(catalog.connection(name), table.meta, table.columns, {
      ...params.view(),
      after: params.one('after'),
      limit: params.integer('limit', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
    });
    return json(page);
  }
  const exportMatch = parts.length === 5 ? /^export\.(\w+)$/.exec(parts[4] ?? '') : null;
  if (exportMatch) {
    const format = exportMatch[1] as ExportFormat;
    if (!exportFormats.includes(format)) {
      throw new NotFoundError(`no export format ${format} (${exportFormats.join(', ')})`);
    }
    const params = new QueryParameters(query, ['sort', 'dir', 'filter']);
    return exportResponse(catalog, name, table, format, params.view());
  }
  if (parts.length === 5 && parts[4] === 'row') {
    const params = new QueryParameters(query, ['rowid', 'match']);
    const rowid = params.one('rowid');
    const match = params.one('match');
    let where: Parameters<typeof readRow>[3];
    if (rowid !== undefined) {
      if (!/^-?\d+$/.test(rowid) || !Number.isSafeInteger(Number(rowid))) {
        throw new BadRequestError('rowid', `must be an integer, not ${JSON.stringify(rowid)}`);
      }
      where = { rowid: Number(rowid) };
    } else if (match !== undefined) where = { match: parseMatch(match) };
    else throw new BadRequestError('rowid', 'missing: give rowid=<integer> or match=<json>');
    const row = readRow(catalog.connection(name), table.meta, table.columns, where);
    if (!row) throw new NotFoundError(`${name}.${table.meta.name}: no such row`);
    return json(rowDetail(catalog, name, table, row));
  }
  throw new NotFoundError('no such endpoint');
}

/**
 * Answers `GET /api/...`. Errors become JSON `{ error }`: 400 for a parameter that is wrong (the
 * message starts with its name), 404 for something that could exist but does not, 500 for the
 * unexpected. `signal` aborts when the client goes away (a running SQL query is then stopped).
 */
export async function handleApi(
  context: ApiContext,
  url: URL,
  signal?: AbortSignal,
): Promise<ApiResponse> {
  try {
    return await route(context, url, signal);
  } catch (error) {
    return errorResponse(error);
  }
}

/** The API's only write: `POST /api/databases/<db>/dead-letters/retry`. */
function routeWrite(context: ApiContext, url: URL, body: string): ApiResponse {
  const { catalog } = context;
  const parts = pathParts(url);
  checkParameterNames(url.searchParams, []);
  if (
    parts.length !== 4 ||
    parts[0] !== 'databases' ||
    parts[2] !== 'dead-letters' ||
    parts[3] !== 'retry'
  ) {
    throw new NotFoundError('no such endpoint (POST takes databases/<db>/dead-letters/retry)');
  }
  const { name } = requireDatabase(catalog, parts[1] ?? '');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequestError('body', 'not JSON');
  }
  const request = parseRetryRequest(value);
  // Refused before anything is opened for writing when the studio shows this database read-only.
  return json(retryDeadLetters(catalog.writer(name), name, request));
}

/**
 * Answers `POST /api/...` (a change): 403 when the database is shown read-only, 404 / 409 for a
 * job that is not there / not failed, else as `handleApi`.
 */
export function handleApiWrite(context: ApiContext, url: URL, body: string): ApiResponse {
  try {
    return routeWrite(context, url, body);
  } catch (error) {
    return errorResponse(error);
  }
}

function errorResponse(error: unknown): ApiResponse {
  if (isAborted(error)) return json({ error: 'the client went away' }, 499);
  if (error instanceof BadRequestError) return json({ error: error.message }, 400);
  if (error instanceof NotFoundError || error instanceof RowNotFoundError) {
    return json({ error: error.message }, 404);
  }
  if (error instanceof ReadOnlyError) return json({ error: error.message }, 403);
  if (error instanceof StateError) return json({ error: error.message }, 409);
  const message = error instanceof Error ? error.message : String(error);
  return json({ error: message }, 500);
}
