import { createSearch, deadLetterQueues, SearchQueryError } from '@agentstate/db';
import { databases, fullTextTable, type DatabaseName } from '@agentstate/schema';
import type Database from 'better-sqlite3';
import { BadRequestError } from './rows.ts';

/**
 * The studio's full-text search (the clients' search, over the reading connection) and its view of
 * the queues' dead letters. Both only read.
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
function searchOf(sqlite: Database.Database, table: string) {
  // No filters and no time here: the studio searches a whole table.
  return createSearch(
    sqlite,
    { table, filters: {}, time: { column: 'rowid', toSql: (date) => date.getTime() } },
    (row) => row,
  );
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
  if (!search) byTable.set(request.table, (search = searchOf(sqlite, request.table)));
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

/** Failed jobs, newest failure first, with their last error. */
export function listDeadLetters(sqlite: Database.Database, name: DatabaseName, limit: number) {
  const queue = queueOf(name);
  if (!queue) throw new BadRequestError('database', `${name} has no job queue`);
  const letters = queue.deadLetters(sqlite, Date.now);
  return { table: queue.table, total: letters.count(), deadLetters: letters.list({ limit }) };
}
