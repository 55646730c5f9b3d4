import {
  createSearch,
  deadLetterQueues,
  SearchQueryError,
  type SqliteConnection,
} from '@agentstate/db';
import { databases, fullTextTable, type DatabaseName } from '@agentstate/schema';
import { getTableName } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { BadRequestError } from './rows.ts';

/**
 * The studio's full-text search (the clients' search, over the reading connection) and the queues'
 * dead letters: listed over the reading connection, retried through the clients' dead-letters API
 * over the writer (a studio started `--write`).
 */

/** Marks around matched terms in a snippet: control characters no stored text uses, so the page
 * can escape the text and still find them. */
export const MARK_OPEN = '\u0002';
export const MARK_CLOSE = '\u0003';

/** The tables of a database with a full-text index. */
export function searchableTables(name: DatabaseName): Array<{ table: string; fts: string }> {
  return (databases[name].fullText ?? []).map((index) => ({
    table: index.table,
    fts: fullTextTable(index),
  }));
}

type TableSearch = ReturnType<typeof searchOf>;
const searches = new WeakMap<Database.Database, Map<string, TableSearch>>();
function searchOf(sqlite: Database.Database, name: DatabaseName, table: string) {
  const found = databases[name].tables.find((t) => getTableName(t) === table);
  if (!found) throw new BadRequestError('table', `${name} has no table ${JSON.stringify(table)}`);
  // No filters and no time here: the studio searches a whole table.
  return createSearch(sqlite, { table: found, filters: {} }, (row) => row);
}

export interface SearchRequest {
  table: string;
  query: string;
  limit: number;
}

/** The best matches in one table, each with its rowid, snippet (MARK_OPEN/CLOSE) and rank. */
export function searchTable(sqlite: Database.Database, name: DatabaseName, request: SearchRequest) {
  const tables = searchableTables(name);
  if (!tables.some((t) => t.table === request.table)) {
    throw new BadRequestError(
      'table',
      tables.length === 0
        ? `${name} has no full-text index`
        : `${name} has no full-text index on ${JSON.stringify(request.table)} (searchable: ${tables.map((t) => t.table).join(', ')})`,
    );
  }
  let byTable = searches.get(sqlite);
  if (!byTable) searches.set(sqlite, (byTable = new Map<string, TableSearch>()));
  let search = byTable.get(request.table);
  if (!search) byTable.set(request.table, (search = searchOf(sqlite, name, request.table)));
  try {
    const hits = search(request.query, {
      limit: request.limit,
      highlight: { open: MARK_OPEN, close: MARK_CLOSE },
    });
    return { table: request.table, query: request.query, hits };
  } catch (error) {
    if (error instanceof SearchQueryError) throw new BadRequestError('q', error.problem);
    throw error;
  }
}

/** The queue table of a database with dead letters, or undefined. */
export function deadLetterTable(name: DatabaseName): string | undefined {
  return queueOf(name)?.table;
}

const queueOf = (name: DatabaseName) => deadLetterQueues.find((queue) => queue.database === name);

function requireQueue(name: DatabaseName) {
  const queue = queueOf(name);
  if (!queue) throw new BadRequestError('database', `${name} has no job queue`);
  return queue;
}

/** Failed jobs, newest failure first, with their last error. */
export function listDeadLetters(sqlite: Database.Database, name: DatabaseName, limit: number) {
  const queue = requireQueue(name);
  const letters = queue.deadLetters(sqlite, Date.now);
  return { table: queue.table, total: letters.count(), deadLetters: letters.list({ limit }) };
}

/** One failed job by its id, or every failed job of the queue. */
export type RetryRequest = { id: string } | { all: true };

/** `{"id": "<job id>"}` or `{"all": true}`, nothing else. */
export function parseRetryRequest(body: unknown): RetryRequest {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const keys = Object.keys(body);
    const { id, all } = body as { id?: unknown; all?: unknown };
    if (keys.length === 1 && typeof id === 'string' && id !== '') return { id };
    if (keys.length === 1 && all === true) return { all: true };
  }
  throw new BadRequestError(
    'body',
    `expected {"id": "<job id>"} or {"all": true}, not ${JSON.stringify(body)}`,
  );
}

/**
 * Puts failed jobs back to pending through the clients' dead-letters API: one job (a single
 * UPDATE guarded by its status) or all of them (one BEGIN IMMEDIATE transaction). Throws the
 * client's NotFoundError / StateError for a job that is not there or not failed.
 */
export function retryDeadLetters(
  writer: SqliteConnection,
  name: DatabaseName,
  request: RetryRequest,
) {
  const queue = requireQueue(name);
  const letters = queue.deadLetters(writer, Date.now);
  if ('id' in request) {
    const job: { id: string } = letters.retry(request.id);
    return { table: queue.table, retried: 1, ids: [job.id] };
  }
  return { table: queue.table, retried: letters.retryAll() };
}
