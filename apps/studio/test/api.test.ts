import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPokecodeDatabase, SESSION_COUNT, sessionId, tempDir } from './helpers/fixture.ts';
import type { Page, Row } from '../src/browser/rows.ts';
import { startTestServer, type ErrorBody, type TestServer } from './helpers/server.ts';

const temp = tempDir();
let server: TestServer;

beforeAll(async () => {
  const path = join(temp.dir, 'pokecode.db');
  await createPokecodeDatabase(path);
  // engine's file does not exist: its endpoints answer 404, not 400.
  server = await startTestServer({ pokecode: path, engine: join(temp.dir, 'absent.db') });
});
afterAll(async () => {
  await server?.close();
  temp.remove();
});

const cursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const rows = '/api/databases/pokecode/tables/sessions/rows';
const row = '/api/databases/pokecode/tables/sessions/row';
const exportCsv = '/api/databases/pokecode/tables/sessions/export.csv';
const sql = '/api/databases/pokecode/sql';
const q = (text: string): string => `q=${encodeURIComponent(text)}`;

/** [request, the parameter the error must name] */
const badRequests: Array<[string, string]> = [
  // limit
  [`${rows}?limit=abc`, 'limit'],
  [`${rows}?limit=-1`, 'limit'],
  [`${rows}?limit=0`, 'limit'],
  [`${rows}?limit=1.5`, 'limit'],
  [`${rows}?limit=`, 'limit'],
  [`${rows}?limit=501`, 'limit'],
  [`${rows}?limit=99999999999999999999`, 'limit'],
  [`${rows}?limit=5&limit=6`, 'limit'],
  // cursors: garbage, and forged ones of every wrong shape
  [`${rows}?after=garbage!`, 'after'],
  [`${rows}?after=`, 'after'],
  [`${rows}?after=${Buffer.from('not json').toString('base64url')}`, 'after'],
  [`${rows}?after=${cursor([1, 2])}`, 'after'],
  [`${rows}?after=${cursor({ d: 'asc', r: '1' })}`, 'after'],
  [`${rows}?after=${cursor({ d: 'asc', r: 1.5 })}`, 'after'],
  [`${rows}?after=${cursor({ d: 'up', r: 1 })}`, 'after'],
  [`${rows}?sort=id&after=${cursor({ s: 'id', d: 'asc', v: { a: 1 }, r: 1 })}`, 'after'],
  [`${rows}?sort=id&after=${cursor({ s: 'id', d: 'asc', v: [1], r: 1 })}`, 'after'],
  [`${rows}?sort=id&after=${cursor({ d: 'asc', r: 1 })}`, 'after'], // made for rowid order
  [`${rows}?sort=id&dir=desc&after=${cursor({ s: 'id', d: 'asc', v: 's005', r: 5 })}`, 'after'],
  // sort and direction
  [`${rows}?sort=nope`, 'sort'],
  [`${rows}?sort=${encodeURIComponent('id; DROP TABLE sessions')}`, 'sort'],
  [`${rows}?sort=rowid`, 'sort'],
  [`${rows}?dir=sideways`, 'dir'],
  [`${rows}?dir=DESC`, 'dir'],
  // filters
  [`${rows}?filter=name`, 'filter'],
  [`${rows}?filter=name:regexp:x`, 'filter'],
  [`${rows}?filter=nope:eq:1`, 'filter'],
  [`${rows}?filter=name:lt`, 'filter'],
  [`${rows}?filter=created_at:ge:tomorrow`, 'filter'],
  [`${rows}?filter=message_count:gt:many`, 'filter'],
  [`${rows}?filter=is_working:eq:maybe`, 'filter'],
  // unknown parameters, tables and databases
  [`${rows}?filters=name:eq:x`, 'filters'],
  ['/api/databases/pokecode/tables/nope/rows', 'table'],
  ['/api/databases/pokecode/tables/nope', 'table'],
  ['/api/databases/nope', 'database'],
  ['/api/databases/nope/tables/sessions/rows', 'database'],
  ['/api/databases/%ZZ', 'path'],
  ['/api/databases?x=1', 'x'],
  ['/api/databases/pokecode?limit=5', 'limit'],
  // one row
  [`${row}?rowid=abc`, 'rowid'],
  [`${row}?rowid=1e3`, 'rowid'],
  [`${row}?rowid=99999999999999999999`, 'rowid'],
  [`${row}?rowid=1&rowid=2`, 'rowid'],
  [row, 'rowid'],
  [`${row}?match=notjson`, 'match'],
  [`${row}?match=${encodeURIComponent('[1]')}`, 'match'],
  [`${row}?match=${encodeURIComponent('{}')}`, 'match'],
  [`${row}?match=${encodeURIComponent('{"nope":"x"}')}`, 'match'],
  [`${row}?match=${encodeURIComponent('{"id":{"a":1}}')}`, 'match'],
  // export: the same view parameters, refused before any CSV is sent
  [`${exportCsv}?sort=nope`, 'sort'],
  [`${exportCsv}?dir=up`, 'dir'],
  [`${exportCsv}?filter=name:like:x`, 'filter'],
  [`${exportCsv}?limit=10`, 'limit'],
  // the SQL box
  [sql, 'q'],
  [`${sql}?q=`, 'q'],
  [`${sql}?q=%20%20`, 'q'],
  [`${sql}?${q('SELECT 1')}&${q('SELECT 2')}`, 'q'],
  [`${sql}?${q('SELECT 1')}&offset=-1`, 'offset'],
  [`${sql}?${q('SELECT 1')}&offset=abc`, 'offset'],
  [`${sql}?${q('SELECT 1')}&offset=10000`, 'offset'], // the row limit
  [`${sql}?${q('SELECT 1')}&limit=0`, 'limit'],
  [`${sql}?${q('SELECT 1')}&limit=501`, 'limit'],
  [`${sql}?${q('SELECT 1')}&sort=x`, 'sort'],
];

describe('bad parameters get 400 and a message naming the parameter', () => {
  it.each(badRequests)('%s → 400 (%s)', async (path, parameter) => {
    const answer = await server.get<ErrorBody>(path);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['content-disposition']).toBeUndefined();
    expect(answer.json.error).toMatch(new RegExp(`^${parameter}: \\S`));
  });

  it('says what is wrong, with what was given', async () => {
    const error = async (path: string) => (await server.get<ErrorBody>(path)).json.error;
    expect(await error(`${rows}?limit=abc`)).toBe(
      'limit: must be an integer from 1 to 500, not "abc"',
    );
    expect(await error(`${rows}?sort=nope`)).toMatch(
      /^sort: sessions has no column "nope" \(columns: id, provider, /,
    );
    expect(await error(`${rows}?dir=sideways`)).toBe('dir: must be asc or desc, not "sideways"');
    expect(await error(`${rows}?after=garbage!`)).toMatch(/^after: not a page cursor/);
    expect(await error(`${rows}?sort=id&after=${cursor({ d: 'asc', r: 1 })}`)).toMatch(
      /^after: the cursor was made for another order \(rowid asc, not id asc\)/,
    );
    expect(await error(`${rows}?filter=name:regexp:x`)).toMatch(
      /^filter: unknown operator "regexp" \(one of eq, ne, /,
    );
    expect(await error(`${rows}?filter=created_at:ge:tomorrow`)).toBe(
      'filter: created_at takes a date (2026-01-31) or an epoch number, not "tomorrow"',
    );
    expect(await error(`${rows}?filter=name:lt`)).toBe('filter: name:lt needs a value');
    expect(await error('/api/databases/pokecode/tables/nope/rows')).toBe(
      'table: pokecode has no table "nope" (tables: devices, job_queue, session_messages, sessions)',
    );
    expect(await error(`${rows}?filters=x`)).toBe(
      'filters: unknown parameter (this endpoint takes sort, dir, filter, after, limit)',
    );
    expect(await error(`${sql}?${q('SELECT 1')}&offset=10000`)).toBe(
      'offset: must be an integer from 0 to 9999, not "10000"',
    );
  });

  it('serves the same endpoints when the parameters are right', async () => {
    const first = await server.get<Page>(`${rows}?sort=id&dir=desc&limit=500`);
    expect(first.status).toBe(200);
    expect(first.json.rows).toHaveLength(SESSION_COUNT);
    const page = await server.get<Page>(`${rows}?sort=id&limit=7`);
    expect(page.status).toBe(200);
    const next = await server.get<Page>(`${rows}?sort=id&limit=7&after=${page.json.nextCursor}`);
    expect(next.status).toBe(200);
    expect(next.json.rows[0]?.id).toBe(sessionId(8));
    const filtered = await server.get<Page>(
      `${rows}?filter=created_at:ge:2026-01-02&filter=is_working:eq:false&filter=message_count:gt:0`,
    );
    expect(filtered.status).toBe(200);
    expect(filtered.json.rows.map((r) => r.id)).toEqual(
      Array.from({ length: 40 - 23 }, (_, i) => sessionId(24 + i)),
    );
    expect((await server.get<{ row: Row }>(`${row}?rowid=3`)).json.row.id).toBe(sessionId(3));
  });

  it('keeps 404 for what could exist but does not', async () => {
    const missingRow = await server.get<ErrorBody>(`${row}?rowid=999999`);
    expect(missingRow.status).toBe(404);
    expect(missingRow.json.error).toBe('pokecode.sessions: no such row');
    const missingFile = await server.get<ErrorBody>('/api/databases/engine');
    expect(missingFile.status).toBe(404);
    expect(missingFile.json.error).toMatch(/^engine: no file at .*absent\.db$/);
    expect((await server.get('/api/nothing')).status).toBe(404);
    expect((await server.get('/api/databases/pokecode/tables/sessions/export.xml')).status).toBe(
      404,
    );
  });
});

describe('the guard in front of the API', () => {
  const paths = [rows, `${exportCsv}?sort=id`, `${sql}?${q('SELECT 1')}`];

  it.each(paths)('%s refuses other pages and other hosts with 403', async (path) => {
    const refused: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: `http://localhost:1` },
      { 'sec-fetch-site': 'cross-site' },
      // Another port on localhost is same-site; its <img src> sends no Origin.
      { 'sec-fetch-site': 'same-site' },
      { host: 'evil.example' },
      { host: `127.0.0.1.nip.io:${server.port}` },
    ];
    for (const headers of refused) {
      const answer = await server.get(path, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
  });

  it.each(paths)('%s answers the page itself and clients without Origin', async (path) => {
    const own = { origin: `http://127.0.0.1:${server.port}`, 'sec-fetch-site': 'same-origin' };
    expect((await server.get(path, own)).status).toBe(200);
    expect((await server.get(path, { 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await server.get(path)).status).toBe(200);
  });
});
