import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIZZLE_STUDIO_ORIGIN } from '../src/guard/policy.ts';
import { freePort } from '../src/kit/drizzle-kit.ts';
import { createPokecodeDatabase, tempDir } from './helpers/fixture.ts';
import {
  eventually,
  http,
  listening,
  processAlive,
  run,
  workspaceRoot,
  type RunningCommand,
} from './helpers/processes.ts';

/** The DDL an original tool runs, shared with @agentstate/db's adoption tests. */
const originalToolDdl = (tool: string): string =>
  join(
    dirname(createRequire(import.meta.url).resolve('@agentstate/db/package.json')),
    'test/fixtures/original-tools',
    `${tool}.sql`,
  );

const temp = tempDir();
const dbPath = join(temp.dir, 'pokecode.db');
/** Keep the other databases' defaults away from the real home folder. */
const env = {
  HOME: temp.dir,
  AGENTSTATE_MCPMAKER_PATH: join(temp.dir, 'absent', 'mcpmaker.db'),
  AGENTSTATE_DIPEO_PATH: join(temp.dir, 'absent', 'dipeo.db'),
  AGENTSTATE_ENGINE_PATH: join(temp.dir, 'absent', 'engine.db'),
  AGENTSTATE_MULTISHOT_PATH: join(temp.dir, 'absent', 'multishot.db'),
};

beforeAll(() => createPokecodeDatabase(dbPath));
afterAll(() => temp.remove());

async function startStudio(
  port: number,
  detached = false,
): Promise<{ studio: RunningCommand; kitPid: number; kitPort: number }> {
  const studio = run(
    'pnpm',
    ['db:studio', '--db', 'pokecode', '--path', dbPath, '--port', String(port)],
    {
      cwd: workspaceRoot,
      env,
      detached,
    },
  );
  const match = await studio.waitFor(/drizzle-kit studio: pid (\d+), 127\.0\.0\.1:(\d+)/);
  await studio.waitFor(/Offline browser: http:\/\/127\.0\.0\.1:\d+\//);
  return { studio, kitPid: Number(match[1]), kitPort: Number(match[2]) };
}

describe('pnpm db:studio', () => {
  let port: number;
  let studio: RunningCommand;
  let kitPid: number;
  let kitPort: number;

  beforeAll(async () => {
    port = await freePort();
    ({ studio, kitPid, kitPort } = await startStudio(port));
  });
  afterAll(() => {
    if (studio.child.exitCode === null) studio.child.kill('SIGKILL');
    if (processAlive(kitPid)) process.kill(kitPid, 'SIGKILL');
  });

  it('prints the Drizzle Studio address for its port', () => {
    expect(studio.output()).toContain(`Drizzle Studio: ${DRIZZLE_STUDIO_ORIGIN}?port=${port}`);
    expect(kitPort).not.toBe(port);
  });

  it('answers init with the sqlite dialect and this database schema', async () => {
    const answer = await http(port, { body: { type: 'init' } });
    expect(answer.status).toBe(200);
    const init = JSON.parse(answer.body) as {
      dialect: string;
      packageName: string;
      schemaFiles: Array<{ name: string; content: string }>;
      relations: Array<{ table: string; refTable: string; columns: string[] }>;
    };
    expect(init.dialect).toBe('sqlite');
    expect(init.schemaFiles.map((file) => file.content).join('\n')).toContain('session-messages');
    expect(init.relations).toContainEqual(
      expect.objectContaining({
        table: 'session_messages',
        refTable: 'sessions',
        columns: ['session_id'],
      }),
    );
    // Not another database's schema.
    expect(init.relations.some((relation) => relation.table === 'workflow_sessions')).toBe(false);
  });

  it('runs a proxy query that lists the tables', async () => {
    const answer = await http(port, {
      body: {
        type: 'proxy',
        data: {
          sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
          params: [],
          method: 'all',
          mode: 'object',
        },
      },
    });
    expect(answer.status).toBe(200);
    const names = (JSON.parse(answer.body) as Array<{ name: string }>).map((row) => row.name);
    expect(names).toEqual(
      expect.arrayContaining(['devices', 'job_queue', 'session_messages', 'sessions']),
    );
  });

  it('opens the database read-only for Drizzle Studio by default', async () => {
    const answer = await http(port, {
      body: {
        type: 'proxy',
        data: { sql: 'DELETE FROM sessions', params: [], method: 'run', mode: 'object' },
      },
    });
    expect(answer.body).toMatch(/readonly/);
    const check = new Database(dbPath, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(120);
    check.close();
  });

  it('refuses foreign origins and non-loopback Host names with 403 before drizzle-kit', async () => {
    const query = {
      type: 'proxy',
      data: { sql: 'SELECT 1', params: [], method: 'all', mode: 'object' },
    };
    const foreign = await http(port, { headers: { origin: 'https://evil.example' }, body: query });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const rebinding = await http(port, { headers: { host: `evil.example:${port}` }, body: query });
    expect(rebinding.status).toBe(403);
    const preflight = await http(port, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
  });

  it('answers the Drizzle Studio page with its own origin, never *', async () => {
    const preflight = await http(port, {
      method: 'OPTIONS',
      headers: {
        origin: DRIZZLE_STUDIO_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
        'access-control-request-private-network': 'true',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(DRIZZLE_STUDIO_ORIGIN);
    expect(preflight.headers['access-control-allow-private-network']).toBe('true');
    const answer = await http(port, {
      headers: { origin: DRIZZLE_STUDIO_ORIGIN },
      body: { type: 'init' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(DRIZZLE_STUDIO_ORIGIN);
    const plain = await http(port, { body: { type: 'init' } });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the offline browser and its API on the same port', async () => {
    const page = await http(port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const list = JSON.parse((await http(port, { path: '/api/databases' })).body) as {
      databases: Array<{ name: string; exists: boolean; primary: boolean }>;
    };
    expect(list.databases).toContainEqual(
      expect.objectContaining({ name: 'pokecode', exists: true, primary: true }),
    );
    expect(list.databases.filter((database) => database.exists)).toHaveLength(1);
    const foreign = await http(port, {
      path: '/api/databases',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('stops on SIGTERM to pnpm and leaves nothing listening', async () => {
    expect(await listening(kitPort)).toBe(true);
    studio.child.kill('SIGTERM');
    await studio.exited;
    expect(
      await eventually(async () => !(await listening(port)) && !(await listening(kitPort))),
    ).toBe(true);
    expect(await eventually(() => !processAlive(kitPid))).toBe(true);
  });
});

describe('pnpm db:studio stopping and refusing', () => {
  it('stops with its process group on Ctrl-C (SIGINT to the group)', async () => {
    const port = await freePort();
    const { studio, kitPid, kitPort } = await startStudio(port, true);
    try {
      process.kill(-(studio.child.pid as number), 'SIGINT');
      await studio.exited;
      expect(
        await eventually(async () => !(await listening(port)) && !(await listening(kitPort))),
      ).toBe(true);
      expect(await eventually(() => !processAlive(kitPid))).toBe(true);
    } finally {
      if (processAlive(kitPid)) process.kill(kitPid, 'SIGKILL');
    }
  });

  it("stops with the adoption report when the original tool's file conflicts with the schema", async () => {
    const original = join(temp.dir, 'mcpmaker-original.db');
    const sqlite = new Database(original);
    sqlite.pragma('journal_mode = WAL'); // as MCPMAKER opens it
    sqlite.exec(readFileSync(originalToolDdl('mcpmaker'), 'utf8'));
    // The schema makes sessions.workflow_id a foreign key: an orphan value conflicts with it.
    sqlite
      .prepare(
        "INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at) VALUES ('s1', 'gone', 'Book', 'https://x.test', 1, 2)",
      )
      .run();
    sqlite.close();
    const hash = () => createHash('sha256').update(readFileSync(original)).digest('hex');
    const before = hash();
    const port = await freePort();
    const studio = run(
      'pnpm',
      ['db:studio', '--db', 'mcpmaker', '--path', original, '--port', String(port)],
      { cwd: workspaceRoot, env },
    );
    expect(await studio.exited).not.toBe(0);
    const lines = studio.output().split('\n');
    const errors = lines.filter((line) => line.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('cannot adopt');
    // The report is printed too (on stdout, above the error line), indented.
    expect(
      lines.filter((line) => /^ {2}\S/.test(line) && line.includes('workflow_id')),
    ).not.toEqual([]);
    expect(hash()).toBe(before);
    expect(await listening(port)).toBe(false);
  });

  it('stops with one error line when the database cannot be migrated, starting nothing', async () => {
    const newer = join(temp.dir, 'newer.db');
    await createPokecodeDatabase(newer);
    const sqlite = new Database(newer);
    sqlite
      .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      .run('f'.repeat(64), Date.UTC(2099, 0, 1));
    sqlite.close();
    const port = await freePort();
    const studio = run(
      'pnpm',
      ['db:studio', '--db', 'pokecode', '--path', newer, '--port', String(port)],
      {
        cwd: workspaceRoot,
        env,
      },
    );
    expect(await studio.exited).not.toBe(0);
    const errors = studio
      .output()
      .split('\n')
      .filter((line) => line.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(newer);
    expect(studio.output()).not.toContain('Drizzle Studio:');
    expect(await listening(port)).toBe(false);
  });
});
