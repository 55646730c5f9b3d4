import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseCatalog } from '../src/browser/catalog.ts';
import { readPage, readRow, type Filter, type PageRequest, type Row } from '../src/browser/rows.ts';
import { createPokecodeDatabase, SESSION_COUNT, sessionId, tempDir } from './helpers/fixture.ts';

const temp = tempDir();
const path = join(temp.dir, 'pokecode.db');
let catalog: DatabaseCatalog;

beforeAll(async () => {
  await createPokecodeDatabase(path);
  catalog = new DatabaseCatalog({ pokecode: path }, 'pokecode');
});
afterAll(() => {
  catalog.close();
  temp.remove();
});

function sessionsTable() {
  const table = catalog.table('pokecode', 'sessions');
  if (!table) throw new Error('no sessions table');
  return table;
}

/** Every row, page after page, following nextCursor. */
function walk(request: PageRequest): { rows: Row[]; pages: number } {
  const table = sessionsTable();
  const rows: Row[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = readPage(catalog.connection('pokecode'), table.meta, table.columns, {
      ...request,
      after,
    });
    rows.push(...page.rows);
    after = page.nextCursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (after);
  return { rows, pages };
}

/** SQLite's order: NULLs first ascending, last descending; ties by rowid in the same direction. */
function expectedOrder(rows: Row[], column: string, direction: 'asc' | 'desc'): number[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const x = a[column] as number | null;
      const y = b[column] as number | null;
      if (x !== y) {
        if (x === null) return -sign;
        if (y === null) return sign;
        return (x < y ? -1 : 1) * sign;
      }
      return (a.__rowid - b.__rowid) * sign;
    })
    .map((row) => row.__rowid);
}

describe('keyset pages', () => {
  it('walks the whole table in rowid order by default, each row once', () => {
    const { rows, pages } = walk({ limit: 7 });
    expect(rows).toHaveLength(SESSION_COUNT);
    expect(pages).toBe(Math.ceil(SESSION_COUNT / 7));
    expect(rows.map((row) => row.id)).toEqual(
      Array.from({ length: SESSION_COUNT }, (_, index) => sessionId(index + 1)),
    );
  });

  it.each(['asc', 'desc'] as const)(
    'sorts by a column with NULLs and ties (%s) without losing or repeating rows',
    (direction) => {
      const all = walk({ limit: 1000 }).rows;
      const { rows } = walk({ sort: 'last_message_sent_at', direction, limit: 9 });
      expect(rows.map((row) => row.__rowid)).toEqual(
        expectedOrder(all, 'last_message_sent_at', direction),
      );
    },
  );

  it('sorts text columns descending across pages', () => {
    const { rows } = walk({ sort: 'id', direction: 'desc', limit: 11 });
    expect(rows[0]?.id).toBe(sessionId(SESSION_COUNT));
    expect(rows.at(-1)?.id).toBe(sessionId(1));
    expect(new Set(rows.map((row) => row.id)).size).toBe(SESSION_COUNT);
  });

  it('pages through filtered rows', () => {
    const filters: Filter[] = [{ column: 'provider', op: 'eq', value: 'codex-cli' }];
    const { rows } = walk({ filters, limit: 8 });
    expect(rows).toHaveLength(SESSION_COUNT / 2);
    expect(rows.every((row) => row.provider === 'codex-cli')).toBe(true);
  });
});

describe('filters', () => {
  const count = (filters: Filter[]) => walk({ filters, limit: 500 }).rows;

  it('matches LIKE wildcards literally in contains/starts', () => {
    const rows = count([{ column: 'name', op: 'contains', value: '0%_d' }]);
    expect(rows.map((row) => row.name)).toEqual(
      Array.from({ length: SESSION_COUNT / 10 }, (_, i) => `100%_done ${(i + 1) * 10}`),
    );
    expect(count([{ column: 'name', op: 'starts', value: '%' }])).toHaveLength(0);
  });

  it('tests NULL and NOT NULL', () => {
    expect(count([{ column: 'last_message_sent_at', op: 'null' }])).toHaveLength(SESSION_COUNT / 3);
    expect(count([{ column: 'metadata', op: 'notnull' }])).toHaveLength((SESSION_COUNT * 3) / 4);
  });

  it('compares timestamp columns with dates and numbers with numbers', () => {
    // created_at = 2026-01-01 + n hours: n >= 24 is on or after 2026-01-02.
    expect(count([{ column: 'created_at', op: 'ge', value: '2026-01-02' }])).toHaveLength(
      SESSION_COUNT - 23,
    );
    expect(count([{ column: 'message_count', op: 'gt', value: '0' }])).toHaveLength(40);
    expect(count([{ column: 'is_working', op: 'eq', value: 'false' }])).toHaveLength(SESSION_COUNT);
  });

  it('refuses columns, operators and cursors it does not know', () => {
    const table = sessionsTable();
    const sqlite = catalog.connection('pokecode');
    expect(() =>
      readPage(sqlite, table.meta, table.columns, { sort: 'id; DROP TABLE sessions' }),
    ).toThrow(/^sort: sessions has no column "id; DROP TABLE sessions"/);
    expect(() =>
      readPage(sqlite, table.meta, table.columns, {
        filters: [{ column: 'rowid', op: 'eq', value: '1' }],
      }),
    ).toThrow(/^filter: sessions has no column "rowid"/);
    expect(() =>
      readPage(sqlite, table.meta, table.columns, {
        filters: [{ column: 'name', op: 'regexp' as never, value: 'x' }],
      }),
    ).toThrow(/^filter: unknown operator "regexp"/);
    expect(() => readPage(sqlite, table.meta, table.columns, { after: 'not-a-cursor' })).toThrow(
      /^after: not a page cursor/,
    );
  });
});

describe('rows and the read-only connection', () => {
  it('finds a row by rowid and by column values', () => {
    const table = sessionsTable();
    const sqlite = catalog.connection('pokecode');
    const byMatch = readRow(sqlite, table.meta, table.columns, { match: { id: sessionId(5) } });
    expect(byMatch?.name).toBe('session 5');
    const byRowid = readRow(sqlite, table.meta, table.columns, { rowid: byMatch?.__rowid ?? -1 });
    expect(byRowid?.id).toBe(sessionId(5));
  });

  it('cannot write, even with SQL that would', () => {
    const sqlite = catalog.connection('pokecode');
    // openReader refuses every write with query_only (a read-write handle, so closing it last
    // removes the -wal and -shm; SQLite's read-only mode only where the file or folder is).
    expect(sqlite.pragma('query_only', { simple: true })).toBe(1);
    expect(() => sqlite.prepare("DELETE FROM sessions WHERE id = 's001'").run()).toThrow(
      /readonly|read-only/i,
    );
    expect(catalog.rowCount('pokecode', 'sessions')).toBe(SESSION_COUNT);
  });

  it('reports schema columns a file lacks instead of querying them', () => {
    const table = sessionsTable();
    expect(table.missingColumns).toEqual([]);
    expect(table.columns.map((column) => column.name)).toContain('last_message_sent_at');
  });
});
