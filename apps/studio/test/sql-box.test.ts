import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcess } from '@agentstate/cli-kit';
import { createPokecodeDatabase, SESSION_COUNT, sessionId, tempDir } from './helpers/fixture.ts';
import { eventually, processAlive, run, studioRoot } from './helpers/processes.ts';
import type { SqlPage } from '../src/browser/sql-box.ts';
import { startTestServer, type ErrorBody, type TestServer } from './helpers/server.ts';

const temp = tempDir();
const path = join(temp.dir, 'pokecode.db');
const ROW_LIMIT = 100;
let server: TestServer;

/** Never finishes on its own: counting an endless recursive CTE. */
const ENDLESS =
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

beforeAll(async () => {
  await createPokecodeDatabase(path);
  server = await startTestServer({ pokecode: path }, { timeLimitMs: 1_000, rowLimit: ROW_LIMIT });
});
afterAll(async () => {
  await server?.close();
  temp.remove();
});

const sqlPath = (sql: string, extra = '') =>
  `/api/databases/pokecode/sql?q=${encodeURIComponent(sql)}${extra}`;
const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Runner processes of the SQL box that are children of `parent`. */
function runnersOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const info = readProcess(pid);
      return (
        info?.parent === parent &&
        !info.exited &&
        info.argv.some((arg) => arg.endsWith('sql-box-runner.mjs'))
      );
    });
}

describe('the SQL box reads', () => {
  it('pages a result by offset, up to the row limit', async () => {
    const query = 'SELECT id, name FROM sessions ORDER BY id';
    const first = await server.get<SqlPage>(sqlPath(query));
    expect(first.status).toBe(200);
    expect(first.json.columns).toEqual(['id', 'name']);
    expect(first.json.rows).toHaveLength(50);
    expect(first.json.rows[0]).toEqual([sessionId(1), 'session 1']);
    expect(first.json).toMatchObject({ offset: 0, nextOffset: 50, rowLimitReached: false });

    const second = await server.get<SqlPage>(sqlPath(query, '&offset=50'));
    expect(second.json.rows[0]).toEqual([sessionId(51), 'session 51']);
    expect(second.json.rows.at(-1)).toEqual([sessionId(100), '100%_done 100']);
    // 120 rows, but the row limit is 100: no page after this one, and it says so.
    expect(second.json.nextOffset).toBeUndefined();
    expect(second.json).toMatchObject({ rowLimitReached: true, rowLimit: 100 });

    const small = await server.get<SqlPage>(
      sqlPath("SELECT id FROM sessions WHERE id <= 's060' ORDER BY id", '&offset=50&limit=20'),
    );
    expect(small.json.rows.map((row) => row[0])).toEqual(
      Array.from({ length: 10 }, (_, i) => sessionId(51 + i)),
    );
    expect(small.json.nextOffset).toBeUndefined();
    expect(small.json.rowLimitReached).toBe(false);
  });

  it('keeps every column of a result, even with the same name, and shows blobs as their size', async () => {
    const answer = await server.get<SqlPage>(
      sqlPath("SELECT 1 AS a, 'two' AS a, x'010203' AS b, NULL AS c"),
    );
    expect(answer.json.columns).toEqual(['a', 'a', 'b', 'c']);
    expect(answer.json.rows).toEqual([[1, 'two', '<blob: 3 bytes>', null]]);
  });

  it('runs read-only PRAGMAs, EXPLAIN and joins', async () => {
    const info = await server.get<SqlPage>(sqlPath('PRAGMA table_info(job_queue)'));
    expect(info.status).toBe(200);
    expect(info.json.rows.map((row: unknown[]) => row[1])).toContain('session_id');
    expect(
      (await server.get(sqlPath('EXPLAIN QUERY PLAN SELECT * FROM sessions WHERE id = 1'))).status,
    ).toBe(200);
    const joined = await server.get<SqlPage>(
      sqlPath(
        'SELECT s.id, count(m.id) FROM sessions s JOIN session_messages m ON m.session_id = s.id GROUP BY s.id ORDER BY s.id',
      ),
    );
    expect(joined.json.rows[0]).toEqual([sessionId(1), 3]);
  });

  it('reports SQL errors as 400 with SQLite\u2019s message', async () => {
    expect((await server.get<ErrorBody>(sqlPath('SELEC 1'))).json.error).toBe(
      'q: near "SELEC": syntax error',
    );
    expect((await server.get<ErrorBody>(sqlPath('SELECT * FROM nope'))).json.error).toBe(
      'q: no such table: nope',
    );
    expect((await server.get<ErrorBody>(sqlPath('SELECT 1; SELECT 2'))).json.error).toMatch(
      /^q: one statement at a time/,
    );
    expect((await server.get<ErrorBody>(sqlPath('SELECT ?'))).json.error).toMatch(
      /^q: Too few parameter values/,
    );
    expect(
      (await server.get<ErrorBody>(sqlPath("SELECT load_extension('/tmp/x.so')"))).json.error,
    ).toBe('q: not authorized');
  });
});

describe('the SQL box refuses to write', () => {
  const writes = [
    "INSERT INTO devices (device_id, device_name) VALUES ('d', 'd')",
    "INSERT INTO job_queue (id) VALUES ('x') RETURNING id",
    "REPLACE INTO sessions (id) VALUES ('x')",
    "UPDATE sessions SET name = 'x'",
    'DELETE FROM sessions',
    'WITH doomed AS (SELECT id FROM sessions) DELETE FROM sessions WHERE id IN (SELECT id FROM doomed)',
    'DROP TABLE session_messages',
    'CREATE TABLE t (x)',
    'CREATE TEMP TABLE t (x)',
    'CREATE INDEX i ON sessions (name)',
    'ALTER TABLE sessions ADD COLUMN x',
    `ATTACH '${join(temp.dir, 'other.db')}' AS other`,
    'DETACH other',
    'VACUUM',
    `VACUUM INTO '${join(temp.dir, 'copy.db')}'`,
    'PRAGMA user_version = 7',
    'PRAGMA query_only = 0',
    'PRAGMA journal_mode = DELETE',
    'PRAGMA wal_checkpoint(TRUNCATE)',
    'BEGIN IMMEDIATE',
    'ANALYZE',
    'REINDEX',
    '/* a comment first */ -- and another\n DELETE FROM devices',
  ];

  it.each(writes)('%s → 400, refused', async (statement) => {
    const answer = await server.get<ErrorBody>(sqlPath(statement));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(
      /^q: [A-Z]+ is refused: the SQL box runs only statements that read and return rows/,
    );
  });

  it('names the statement it refused', async () => {
    expect((await server.get<ErrorBody>(sqlPath('  delete from sessions'))).json.error).toMatch(
      /^q: DELETE is refused/,
    );
    expect((await server.get<ErrorBody>(sqlPath('/* x */ drop table devices'))).json.error).toMatch(
      /^q: DROP is refused/,
    );
  });

  it('leaves the file byte-identical and creates no other file', async () => {
    const before = hash(path);
    for (const statement of writes) await server.get(sqlPath(statement));
    expect(hash(path)).toBe(before);
    expect(existsSync(join(temp.dir, 'copy.db'))).toBe(false);
    expect(existsSync(join(temp.dir, 'other.db'))).toBe(false);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    expect(check.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(SESSION_COUNT);
    check.close();
  });
});

describe('the SQL box stops queries', () => {
  it('at the time limit, leaving no process behind', async () => {
    const answer = await server.get<ErrorBody>(sqlPath(ENDLESS));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/^q: stopped after 1 s, the SQL box's time limit/);
    expect(
      await eventually(() => server.sqlBox.runners === 0 && runnersOf(process.pid).length === 0),
    ).toBe(true);
    // And it still answers.
    expect((await server.get<SqlPage>(sqlPath('SELECT 42'))).json.rows).toEqual([[42]]);
  });

  it('when the client goes away, before the time limit', async () => {
    const patient = await startTestServer({ pokecode: path }, { timeLimitMs: 120_000 });
    try {
      const req = request({ host: '127.0.0.1', port: patient.port, path: sqlPath(ENDLESS) });
      req.on('error', () => {});
      req.end();
      expect(await eventually(() => runnersOf(process.pid).length === 1)).toBe(true);
      req.destroy();
      expect(
        await eventually(() => patient.sqlBox.runners === 0 && runnersOf(process.pid).length === 0),
      ).toBe(true);
    } finally {
      await patient.close();
    }
  });

  it('when the server closes', async () => {
    const patient = await startTestServer({ pokecode: path }, { timeLimitMs: 120_000 });
    const answer = patient.get(sqlPath(ENDLESS)).catch(() => undefined);
    expect(await eventually(() => runnersOf(process.pid).length === 1)).toBe(true);
    await patient.close();
    await answer;
    expect(await eventually(() => runnersOf(process.pid).length === 0)).toBe(true);
  });

  it('when the studio itself is killed (the runner notices and exits)', async () => {
    const script = `
      import { SqlBox } from './src/browser/sql-box.ts';
      const box = new SqlBox({ timeLimitMs: 600_000 });
      box.run(${JSON.stringify(path)}, ${JSON.stringify(ENDLESS)}, { offset: 0, limit: 1 }).catch(() => {});
      console.log('running');
      setInterval(() => {}, 1000);
    `;
    const host = run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: studioRoot,
    });
    await host.waitFor(/running/);
    const hostPid = host.child.pid as number;
    expect(await eventually(() => runnersOf(hostPid).length === 1)).toBe(true);
    const [runner] = runnersOf(hostPid);
    host.child.kill('SIGKILL');
    await host.exited;
    // Far sooner than its own 600 s time limit: its channel to the studio closed.
    expect(
      await eventually(
        () => !processAlive(runner as number) || readProcess(runner as number)?.exited === true,
      ),
    ).toBe(true);
  });
});
