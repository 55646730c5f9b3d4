import { all, READ, type Operation, type Result, type Row } from '../../driver/operation.ts';
import { runnerOf, type ModeOfSource, type RunnerSource } from '../../driver/sync-runner.ts';
import { getTableName, sql, type Column, type SQL, type Table } from 'drizzle-orm';
import { sqlText } from './sql-text.ts';

/**
 * Full-text search over one table through its FTS5 index (`<table>_fts`, rowid = the row's rowid,
 * kept by the triggers its migration creates). One implementation for every client's `search...`.
 */

/** A search query SQLite's FTS5 cannot run: the query, and what is wrong with it. Nothing was read. */
export class SearchQueryError extends Error {
  override readonly name = 'SearchQueryError';
  constructor(
    /** The table searched, e.g. `session_messages`. */
    readonly table: string,
    readonly query: string,
    /** What is wrong, e.g. `syntax error near "AND"`. */
    readonly problem: string,
  ) {
    super(`search of ${table}: query ${JSON.stringify(query)}: ${problem}`);
  }
}

export interface SearchOptions {
  /** At most this many hits, best first (default 20, at most SEARCH_LIMIT_MAX). */
  limit?: number;
  /** Only rows written before this moment. */
  before?: Date;
  /**
   * `fts5` (default): FTS5's query syntax (`AND`, `OR`, `NOT`, `"phrases"`, `prefix*`, `NEAR`);
   * a malformed query is a SearchQueryError. `words`: every word of the text must occur, whatever
   * characters it holds (a search box's input), so it is never malformed.
   */
  syntax?: 'fts5' | 'words';
  /** What surrounds each matched term in `snippet` (default `<mark>` and `</mark>`). */
  highlight?: { open: string; close: string };
}

export interface SearchHit<R> {
  row: R;
  /** The matching passage (about a dozen words), matched terms between `highlight` markers. */
  snippet: string;
  /** FTS5's bm25 rank: lower is a better match; hits come sorted by it. */
  rank: number;
}

export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 1000;

/** How one table is searched. */
export interface SearchSpec {
  /** The table searched; its index is `<table>_fts`. */
  table: Table;
  /** Equality filters: option name to column. */
  filters: Record<string, Column>;
  /**
   * The column `before` compares with, and how a Date is written in it; `datetime` compares
   * through SQLite's datetime(), for text columns holding both `YYYY-MM-DD HH:MM:SS` and ISO.
   * Without it the search takes no `before`.
   */
  time?: { column: Column; toSql: (date: Date) => unknown; datetime?: boolean };
}

/** `words` syntax: each whitespace-separated word as an FTS5 string, all of them required. */
export function wordsQuery(text: string): string {
  return text
    .split(/\s+/u)
    .filter((word) => word !== '')
    .map((word) => `"${word.replace(/"/g, '""')}"`)
    .join(' ');
}

/** SQLite's FTS5 error text to the problem it names; undefined for any other error. */
function problemOf(raw: string): string | undefined {
  // libSQL prefixes the code: "SQLITE_ERROR: fts5: syntax error near …".
  const message = raw.replace(/^SQLITE_[A-Z_]+: /, '');
  if (message.startsWith('fts5: ')) return message.slice('fts5: '.length);
  if (message === 'unterminated string') return 'unterminated string (a " without its closing ")';
  const column = /^no such column: (.*)$/.exec(message);
  if (column) {
    return (
      `${JSON.stringify(column[1])} is read as a column name (a word before ":" or after "-") ` +
      'and there is no such column; put the term in double quotes to search for it'
    );
  }
  if (message.startsWith('unknown special query')) {
    return 'a query cannot start with "*" (a prefix search is a word followed by "*")';
  }
  return undefined;
}

/**
 * A search over `spec.table` on a runner (or a synchronous connection); the SQL is built once per
 * combination of filters used, and prepared once by a synchronous runner.
 * `toRow` maps the table's SQL row (every column) to the client's typed row.
 */
export function createSearch<S extends RunnerSource, R, F extends string>(
  source: S,
  spec: SearchSpec & { filters: Record<F, Column> },
  toRow: (row: Record<string, unknown>) => R,
) {
  const runner = runnerOf(source);
  const table = getTableName(spec.table);
  // Rendered from the table's own columns (sql-text.ts).
  const from = spec.table;
  const fts = sql.identifier(`${table}_fts`);
  const column = (ref: Column): SQL => sql`t.${ref}`;
  // Built once per search (see operation.ts).
  function* searchRows(
    sql: string,
    params: Record<string, unknown>,
    fail: (problem: string) => never,
  ): Operation<Array<SearchHit<R>>> {
    let rows: Row[];
    try {
      rows = (yield all(sql, params)) as Row[];
    } catch (error) {
      const problem = error instanceof Error ? problemOf(error.message) : undefined;
      if (problem === undefined) throw error;
      return fail(problem);
    }
    return rows.map((row) => {
      const { __snippet, __rank, ...columns } = row;
      return { row: toRow(columns), snippet: __snippet as string, rank: __rank as number };
    });
  }
  const statements = new Map<string, string>();
  const statementFor = (filters: readonly F[], before: boolean) => {
    const key = `${filters.join(',')}|${before}`;
    let statement = statements.get(key);
    if (statement === undefined) {
      const time = spec.time;
      const where = [
        sql`${fts} MATCH @query`,
        ...filters.map((f) => sql`${column(spec.filters[f])} = ${sql.raw(`@${f}`)}`),
        ...(before && time
          ? [
              time.datetime
                ? sql`datetime(${column(time.column)}) < datetime(@before)`
                : sql`${column(time.column)} < @before`,
            ]
          : []),
      ];
      statement =
        sqlText(sql`SELECT t.*, snippet(${fts}, -1, @open, @close, '…', 16) AS "__snippet",
          ${fts}.rank AS "__rank"
        FROM ${fts} JOIN ${from} t ON t.rowid = ${fts}.rowid
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY ${fts}.rank LIMIT @limit`);
      statements.set(key, statement);
    }
    return statement;
  };

  return (
    text: string,
    options: SearchOptions & Partial<Record<F, string>> = {},
  ): Result<ModeOfSource<S>, Array<SearchHit<R>>> => {
    const fail = (problem: string): never => {
      throw new SearchQueryError(table, String(text), problem);
    };
    if (typeof text !== 'string') fail(`expected the query as a string, got ${typeof text}`);
    const syntax = options.syntax ?? 'fts5';
    if (syntax !== 'fts5' && syntax !== 'words') {
      fail(`syntax: expected "fts5" or "words", got ${JSON.stringify(syntax)}`);
    }
    const query = syntax === 'words' ? wordsQuery(text) : text.trim();
    if (query === '') fail('the query is empty');
    const limit = options.limit ?? SEARCH_LIMIT_DEFAULT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) {
      fail(`limit: expected an integer from 1 to ${SEARCH_LIMIT_MAX}, got ${String(limit)}`);
    }
    const before = options.before;
    if (before !== undefined && (!(before instanceof Date) || Number.isNaN(before.getTime()))) {
      fail(`before: expected a valid Date, got ${String(before)}`);
    }
    if (before !== undefined && spec.time === undefined) fail('before: this search has no time');
    const filters = (Object.keys(spec.filters) as F[]).filter((f) => options[f] !== undefined);
    const params: Record<string, unknown> = {
      query,
      limit,
      open: options.highlight?.open ?? '<mark>',
      close: options.highlight?.close ?? '</mark>',
    };
    for (const f of filters) {
      if (typeof options[f] !== 'string') fail(`${f}: expected a string`);
      params[f] = options[f];
    }
    if (before && spec.time) params.before = spec.time.toSql(before);
    const sql = statementFor(filters, before !== undefined);
    return runner.run(() => searchRows(sql, params, fail), READ);
  };
}
