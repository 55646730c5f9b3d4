import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPokecodeDatabase, SESSION_COUNT, tempDir } from './helpers/fixture.ts';
import { eventually, http } from './helpers/processes.ts';
import type { TableMeta } from '../src/browser/metadata.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const temp = tempDir();
const path = join(temp.dir, 'pokecode.db');
let server: TestServer;
let columns: string[];

/** Names a CSV writer gets wrong: quotes, commas, line breaks, the empty string. */
const trickyNames: Record<string, string> = {
  't-quote': 'he said "hi"',
  't-comma': 'a, b',
  't-lf': 'line 1\nline 2',
  't-crlf': 'line 1\r\nline 2',
  't-empty': '',
  't-unicode': 'café – 東京',
};

beforeAll(async () => {
  await createPokecodeDatabase(path);
  const sqlite = new Database(path);
  const insert = sqlite.prepare(
    `INSERT INTO sessions (id, provider, project_path, name, metadata, created_at, updated_at, last_accessed_at)
     VALUES (?, 'claude-code', '/projects/tricky', ?, ?, 1767225600, 1767225600, 1767225600)`,
  );
  for (const [id, name] of Object.entries(trickyNames)) {
    insert.run(id, name, JSON.stringify({ note: name, n: 1 }));
  }
  sqlite.close();
  server = await startTestServer({ pokecode: path });
  // The browser's column order: the schema's, not the file's (migrations append columns).
  const table = await server.get<TableMeta>('/api/databases/pokecode/tables/sessions');
  columns = table.json.columns.map((column) => column.name);
});
afterAll(async () => {
  await server?.close();
  temp.remove();
});

/** The rows the database itself gives for a view, for comparison with an export. */
/** The sessions table's values: text and integers (no blobs). */
type SessionRow = Record<string, string | number | null>;

function databaseRows(where: string, orderBy: string): SessionRow[] {
  const sqlite = new Database(path, { readonly: true });
  try {
    return sqlite
      .prepare(`SELECT * FROM sessions WHERE ${where} ORDER BY ${orderBy}`)
      .all() as SessionRow[];
  } finally {
    sqlite.close();
  }
}

const view = 'sort=name&dir=desc&filter=provider:eq:claude-code&filter=message_count:eq:0';
const viewWhere = "provider = 'claude-code' AND message_count = 0";
const viewOrder = 'name DESC, rowid DESC';

describe('CSV export of a view', () => {
  it('is the filtered, sorted rows, as RFC 4180 CSV with a header row', async () => {
    const answer = await server.get(`/api/databases/pokecode/tables/sessions/export.csv?${view}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(answer.headers['content-disposition']).toBe(
      'attachment; filename="pokecode-sessions.csv"',
    );
    // Streamed: no length known in advance.
    expect(answer.headers['transfer-encoding']).toBe('chunked');
    expect(answer.headers['content-length']).toBeUndefined();

    const records = parse(answer.body, {
      relax_quotes: false,
      record_delimiter: '\r\n',
    });
    expect(records[0]).toEqual(columns);
    const expected = databaseRows(viewWhere, viewOrder);
    expect(expected.length).toBeGreaterThan(40);
    expect(records.slice(1)).toEqual(
      expected.map((row) =>
        columns.map((column) => (row[column] === null ? '' : String(row[column]))),
      ),
    );
    // JSON columns are their text, as stored.
    const tricky = records.find((record) => record[0] === 't-quote');
    expect(tricky?.[columns.indexOf('metadata')]).toBe('{"note":"he said \\"hi\\"","n":1}');
  });

  it('quotes exactly the fields that need it, and tells NULL from the empty string', async () => {
    const csv = async (id: string) =>
      (await server.get(`/api/databases/pokecode/tables/sessions/export.csv?filter=id:eq:${id}`))
        .body;
    const line = (text: string) => text.split('\r\n')[1] ?? '';
    // name is the 4th column, context (NULL) the 5th.
    expect(
      line(await csv('t-quote'))
        .split(',')
        .slice(3, 5),
    ).toEqual(['"he said ""hi"""', '']);
    expect(await csv('t-comma')).toContain(',"a, b",,');
    expect(await csv('t-lf')).toContain(',"line 1\nline 2",,');
    expect(await csv('t-crlf')).toContain(',"line 1\r\nline 2",,');
    expect(await csv('t-empty')).toContain('/projects/tricky,"",,');
    expect(await csv('t-unicode')).toContain(',café – 東京,,');
    const body = await csv('t-quote');
    expect(body.endsWith('\r\n')).toBe(true);
    expect(body.split('\r\n')).toHaveLength(3); // header, row, and the empty string after the last CRLF
  });

  it('is only the header row when nothing matches', async () => {
    const answer = await server.get(
      '/api/databases/pokecode/tables/sessions/export.csv?filter=id:eq:none',
    );
    expect(answer.body).toBe(`${columns.join(',')}\r\n`);
  });

  it('answers HEAD with the headers alone', async () => {
    const answer = await http(server.port, {
      method: 'HEAD',
      path: '/api/databases/pokecode/tables/sessions/export.csv',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-disposition']).toContain('pokecode-sessions.csv');
    expect(answer.body).toBe('');
  });
});

describe('JSON export of a view', () => {
  it('is an array of the filtered, sorted rows, JSON columns nested', async () => {
    const answer = await server.get(`/api/databases/pokecode/tables/sessions/export.json?${view}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe(
      'attachment; filename="pokecode-sessions.json"',
    );
    const exported = JSON.parse(answer.body) as Array<Record<string, unknown>>;
    const expected = databaseRows(viewWhere, viewOrder).map((row) => ({
      ...row,
      metadata: row.metadata === null ? null : (JSON.parse(row.metadata as string) as unknown),
    }));
    expect(exported).toEqual(expected);
    expect(exported.find((row) => row.id === 't-lf')?.name).toBe('line 1\nline 2');
    // One row a line.
    expect(answer.body.split('\n')).toHaveLength(expected.length + 3);
  });

  it('is [] when nothing matches', async () => {
    const answer = await server.get(
      '/api/databases/pokecode/tables/sessions/export.json?filter=id:eq:none',
    );
    expect(JSON.parse(answer.body)).toEqual([]);
  });
});

describe('a large export', () => {
  const bigPath = join(temp.dir, 'big.db');
  const ROWS = 60_000;
  let big: TestServer;
  let writer: Database.Database;

  beforeAll(async () => {
    await createPokecodeDatabase(bigPath);
    writer = new Database(bigPath);
    writer.pragma('busy_timeout = 0');
    // ~1 KB a row: about 60 MB of CSV, far more than the socket and stream buffers hold.
    writer.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO sessions (id, provider, project_path, name, context, created_at, updated_at, last_accessed_at)
      SELECT printf('big%06d', i), 'codex-cli', '/big', 'big ' || i, printf('%.1000c', 'x'), i, i, i FROM n`);
    big = await startTestServer({ pokecode: bigPath });
  });
  afterAll(async () => {
    writer?.close();
    await big?.close();
  });

  /** A WAL checkpoint that must reset the log: it cannot while a reader holds an older snapshot. */
  const checkpointBlocked = (): boolean => {
    writer.prepare('UPDATE sessions SET token_count = token_count + 1 WHERE id = ?').run('s001');
    const [result] = writer.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result?.busy === 1;
  };

  it('streams at the pace of the client, on its own connection, and stops when the client goes away', async () => {
    expect(checkpointBlocked()).toBe(false);
    let response: IncomingMessage | undefined;
    let received = 0;
    const req = request({
      host: '127.0.0.1',
      port: big.port,
      path: '/api/databases/pokecode/tables/sessions/export.csv',
    });
    const firstChunk = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        response = res;
        res.once('data', (chunk: Buffer) => {
          received += chunk.length;
          res.pause(); // a slow client
          resolve();
        });
      });
    });
    req.on('error', () => {});
    req.end();
    await firstChunk;
    await new Promise((resolve) => setTimeout(resolve, 500));

    // The export is still reading its snapshot: it has not read (and buffered) everything.
    expect(checkpointBlocked()).toBe(true);
    expect(received).toBeLessThan(1024 * 1024);
    // Meanwhile the browser's own connection serves pages.
    const page = await big.get('/api/databases/pokecode/tables/sessions/rows?limit=3');
    expect(page.status).toBe(200);

    response?.destroy();
    req.destroy();
    // The export's read transaction ended with the client.
    expect(await eventually(() => !checkpointBlocked())).toBe(true);
  });

  it('sends every row', async () => {
    const answer = await big.get('/api/databases/pokecode/tables/sessions/export.csv?sort=id');
    const lines = answer.body.split('\r\n');
    expect(lines).toHaveLength(1 + SESSION_COUNT + ROWS + 1);
    expect(lines.at(-2)).toMatch(/^s120,/);
    expect(lines[1]).toMatch(/^big000001,codex-cli,\/big,big 1,x{1000},/);
  });
});
