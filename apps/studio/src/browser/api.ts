import type { DatabaseName } from '@agentstate/schema';
import type { DatabaseCatalog, TableState } from './catalog.ts';
import { renderErDiagram } from './er-diagram.ts';
import type { LinkMeta } from './metadata.ts';
import {
  BadRequestError,
  filterOperators,
  readPage,
  readRow,
  type Filter,
  type FilterOperator,
  type Row,
} from './rows.ts';
import { quoteIdentifier } from './sql.ts';

export interface ApiResponse {
  status: number;
  contentType: string;
  body: string;
}

class NotFoundError extends Error {}

function json(value: unknown, status = 200): ApiResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/** Incoming links are counted up to this many rows, so a row detail stays cheap on big tables. */
export const INCOMING_COUNT_CAP = 1000;

/** `filter=<column>:<op>[:<value>]`; the value may itself contain colons. */
export function parseFilter(text: string): Filter {
  const first = text.indexOf(':');
  if (first === -1) throw new BadRequestError(`filter ${JSON.stringify(text)} needs column:op`);
  const column = text.slice(0, first);
  const rest = text.slice(first + 1);
  const second = rest.indexOf(':');
  const op = second === -1 ? rest : rest.slice(0, second);
  if (!(filterOperators as readonly string[]).includes(op)) {
    throw new BadRequestError(`unknown filter operator ${JSON.stringify(op)}`);
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
  if (!table) throw new NotFoundError(`${name} has no table ${JSON.stringify(tableName)}`);
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
    throw new BadRequestError('match must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('match must be a JSON object');
  }
  for (const item of Object.values(value)) {
    if (item !== null && typeof item !== 'string' && typeof item !== 'number') {
      throw new BadRequestError('match values must be strings, numbers or null');
    }
  }
  return value as Record<string, string | number | null>;
}

function route(catalog: DatabaseCatalog, url: URL): ApiResponse {
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent); // after "/api"
  if (parts[0] !== 'databases') throw new NotFoundError('no such endpoint');
  if (parts.length === 1) return json({ databases: catalog.list() });

  const name = parts[1] ?? '';
  if (!catalog.has(name)) throw new NotFoundError(`no database ${JSON.stringify(name)} is shown`);
  const summary = catalog.list().find((database) => database.name === name);
  if (!summary?.exists) throw new NotFoundError(`${name}: no file at ${summary?.path}`);

  if (parts.length === 2) {
    const meta = catalog.meta(name);
    return json({
      ...summary,
      tables: catalog.tables(name).map((table) => tableSummary(catalog, name, table)),
      links: meta.links,
    });
  }
  if (parts.length === 3 && parts[2] === 'er.svg') {
    return {
      status: 200,
      contentType: 'image/svg+xml; charset=utf-8',
      body: renderErDiagram(catalog.meta(name), (table) => `#/db/${name}/t/${table}`),
    };
  }
  if (parts[2] !== 'tables' || parts[3] === undefined) throw new NotFoundError('no such endpoint');
  const table = requireTable(catalog, name, parts[3]);
  const query = url.searchParams;

  if (parts.length === 4) return json(tableSummary(catalog, name, table));
  if (parts.length === 5 && parts[4] === 'rows') {
    const limit = query.get('limit');
    const page = readPage(catalog.connection(name), table.meta, table.columns, {
      sort: query.get('sort') ?? undefined,
      direction: query.get('dir') === 'desc' ? 'desc' : 'asc',
      after: query.get('after') ?? undefined,
      limit: limit === null ? undefined : Number(limit),
      filters: query.getAll('filter').map(parseFilter),
    });
    return json(page);
  }
  if (parts.length === 5 && parts[4] === 'row') {
    const rowid = query.get('rowid');
    const match = query.get('match');
    let where: Parameters<typeof readRow>[3];
    if (rowid !== null && /^-?\d+$/.test(rowid)) where = { rowid: Number(rowid) };
    else if (match !== null) where = { match: parseMatch(match) };
    else throw new BadRequestError('row needs rowid=<integer> or match=<json>');
    const row = readRow(catalog.connection(name), table.meta, table.columns, where);
    if (!row) throw new NotFoundError(`${name}.${table.meta.name}: no such row`);
    return json(rowDetail(catalog, name, table, row));
  }
  throw new NotFoundError('no such endpoint');
}

/** Answers `GET /api/...`; errors become JSON `{ error }` with 400 or 404 (500 for the unexpected). */
export function handleApi(catalog: DatabaseCatalog, url: URL): ApiResponse {
  try {
    return route(catalog, url);
  } catch (error) {
    if (error instanceof BadRequestError) return json({ error: error.message }, 400);
    if (error instanceof NotFoundError) return json({ error: error.message }, 404);
    const message = error instanceof Error ? error.message : String(error);
    return json({ error: message }, 500);
  }
}
