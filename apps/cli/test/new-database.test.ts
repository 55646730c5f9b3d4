import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '@agentstate/db/testing';

const workspace = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A copy of this workspace (its tracked and new files, no node_modules), installed from the pnpm
 * store with no network, so `pnpm db:new` can write into it.
 */
function copyWorkspace(into: string): string {
  const root = join(into, 'workspace');
  const listed = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: workspace,
      encoding: 'utf8',
    },
  );
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(workspace, file))) continue; // deleted, not yet committed
    mkdirSync(join(root, file, '..'), { recursive: true });
    cpSync(join(workspace, file), join(root, file));
  }
  const install = spawnSync('pnpm', ['install', '--offline', '--frozen-lockfile'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (install.status !== 0)
    throw new Error(`pnpm install failed:\n${install.stdout}${install.stderr}`);
  return root;
}

describe(
  'pnpm db:new notes, then every command on it, with no other edit',
  { timeout: 600_000 },
  () => {
    const dir = makeTempDir();
    const home = join(dir, 'home');
    let root = '';
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('AGENTSTATE_')) delete env[key];
    beforeAll(() => {
      mkdirSync(home);
      root = copyWorkspace(dir);
    }, 300_000);
    const pnpm = (...args: string[]) => {
      const result = spawnSync('pnpm', ['-s', ...args], { cwd: root, env, encoding: 'utf8' });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    const file = join(home, '.notes', 'notes.db');
    const children: Array<ReturnType<typeof spawn>> = [];
    afterAll(() => {
      for (const child of children) if (child.pid) process.kill(-child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('scaffolds the database and registers it', () => {
      const made = pnpm('db:new', 'notes');
      expect(made.stderr).toBe('');
      expect(made.status).toBe(0);
      expect(made.stdout).toContain('wrote packages/schema/src/notes/database.ts');
      const registry = readFileSync(join(root, 'packages/schema/src/registry.ts'), 'utf8');
      expect(registry).toContain("import { notes } from './notes/database.ts';");
      expect(registry).toMatch(/ {2}engine,\n {2}notes,\n\} as const/);
      // Twice is refused, naming it, and writes nothing more.
      const again = pnpm('db:new', 'notes');
      expect(again.status).toBe(1);
      expect(again.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^error: notes: there is already a database by that name/),
      ]);
      expect(readFileSync(join(root, 'packages/schema/src/registry.ts'), 'utf8')).toBe(registry);
    });

    it('generates its first migration, and db:check and db:docs agree', () => {
      const generated = pnpm('db:generate', '--db', 'notes', '--name', 'initial_schema');
      expect(generated.status, generated.stderr).toBe(0);
      expect(
        existsSync(join(root, 'packages/schema/migrations/notes/0000_initial_schema.sql')),
      ).toBe(true);
      const stale = pnpm('db:check', '--db', 'notes');
      expect(stale.status).toBe(1);
      expect(stale.stderr).toMatch(/docs\/schema\/notes\.md: stale schema docs/);
      expect(pnpm('db:docs', '--db', 'notes').status).toBe(0);
      expect(readFileSync(join(root, 'docs/schema/notes.md'), 'utf8')).toContain('### `items`');
      const check = pnpm('db:check');
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    });

    it('migrates, reports, seeds, backs up, restores and prunes it', () => {
      const migrated = pnpm('db:migrate', '--db', 'notes');
      expect(migrated.status, migrated.stderr).toBe(0);
      expect(migrated.stdout).toContain('applied: 0000_initial_schema');
      const status = JSON.parse(pnpm('db:status', '--db', 'notes', '--json').stdout) as Array<{
        state: string;
        applied: string[];
      }>;
      expect(status[0]).toMatchObject({ state: 'managed', applied: ['0000_initial_schema'] });

      const seeded = pnpm('db:seed', '--db', 'notes', '--rows', '300');
      expect(seeded.status, seeded.stderr).toBe(0);
      expect(seeded.stdout).toMatch(/300 rows .*\(items 300\)/);

      const backup = join(home, 'notes.bak');
      expect(pnpm('db:backup', '--db', 'notes', '--out', backup).status).toBe(0);
      const restored = pnpm('db:restore', '--db', 'notes', '--from', backup);
      expect(restored.status, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(
        /restored .*notes\.db from .*notes\.bak: 301 rows, integrity ok/,
      );
      const pruned = pnpm('db:prune', '--db', 'notes');
      expect(pruned.status, pruned.stderr).toBe(0);
      expect(pruned.stdout).toContain('notes has no retention rule');
    });

    it('gives createClient("notes") a typed client of its tables, and pnpm typecheck passes', () => {
      const script = join(root, 'apps/cli/notes-client.ts');
      writeFileSync(
        script,
        `import { createClient, openDatabase } from '@agentstate/db';
const handle = await openDatabase('notes', { path: ${JSON.stringify(join(home, 'client.db'))}, migrate: { log: () => {} } });
const notes = createClient('notes', handle);
notes.items.insert({ id: 'a', kind: 'note', title: 'first', details: { tags: ['x'] } });
const child = notes.items.insert({ id: 'b', kind: 'task', title: 'second', details: { tags: [] }, parentId: 'a' });
let refused = '';
try { notes.items.insert({ id: 'c', kind: 'task', title: 't', details: { tags: [1] } as never }); } catch (error) { refused = (error as Error).message; }
console.log(JSON.stringify({ kind: child.kind, tags: child.details.tags, count: notes.items.count(), children: notes.items.list({ where: { parentId: 'a' } }).map((r) => r.id), refused }));
handle.close();
`,
      );
      const run = spawnSync(join(root, 'apps/cli/node_modules/.bin/tsx'), [script], {
        cwd: join(root, 'apps/cli'),
        env,
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual<Record<string, unknown>>({
        kind: 'task',
        tags: [],
        count: 2,
        children: ['b'],
        refused: expect.stringMatching(/^items\.details\.tags\[0\]: /),
      });
      const typecheck = pnpm('typecheck');
      expect(typecheck.status, `${typecheck.stdout}${typecheck.stderr}`).toBe(0);
    });

    it('shows it in the studio', async () => {
      const studio = spawn(
        'pnpm',
        ['-s', 'db:studio', '--db', 'notes', '--port', '0', '--no-drizzle-kit'],
        { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(studio);
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no studio URL in:\n${output}`)), 60_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Offline browser: (http:\/\/\S+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1].replace(/\/$/, ''));
          }
        };
        studio.stdout?.on('data', onData);
        studio.stderr?.on('data', onData);
      });
      const response = await fetch(`${url}/api/databases/notes/tables/items/rows?limit=5`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { rows: unknown[] };
      expect(page.rows).toHaveLength(5);
      expect(existsSync(file)).toBe(true);
    });
  },
);
