import type { SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations } from '@agentstate/db';
import { buildUpgradedDipeo, executionsRows } from '@agentstate/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/workspace-root.ts';
import {
  freshProject,
  mustRun,
  packedPackages,
  packPackages,
  run,
  seedPrebuildCache,
  type Project,
} from './helpers/packed.ts';

/**
 * The packages as a project outside this workspace gets them: built, packed with `pnpm pack`,
 * installed from the tarballs by npm (Node) and by Bun into fresh projects, with only the
 * registry's dependencies beside them. The README's client snippet runs there, its types check,
 * and the CLI migrates a real DiPeO file from its tarball, as a Python tool does at install time.
 */

const INSTALL_MS = 1_200_000; // npm compiles better-sqlite3 where no prebuilt binary is reachable
const resolve = createRequire(import.meta.url).resolve;
/** The runtime the `bun` package installs, and this workspace's TypeScript compiler. */
const bun = join(dirname(resolve('bun/package.json')), 'bin', 'bun.exe');
const tsc = join(dirname(resolve('typescript/package.json')), 'bin', 'tsc');
const dipeoMigrations = loadMigrations('dipeo').map((m) => m.tag);

/** The README's typed-client example: the first code block under "## The typed client". */
function readmeClientSnippet(): string {
  const readme = readFileSync(join(workspaceRoot(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The typed client'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md: no ts block under "## The typed client"');
  return match[1]!;
}

/**
 * `status --json` of one file: managed, every migration applied, and the rows DiPeO wrote (those
 * of `buildUpgradedDipeo`, or none in a file the migration created) all there.
 */
function expectManaged(
  status: SpawnSyncReturns<string>,
  file: string,
  executions = executionsRows.length,
): void {
  expect(status.stderr).not.toMatch(/^error:/m);
  expect(status.status).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject([
    { path: file, state: 'managed', applied: dipeoMigrations, pending: [] },
  ]);
  const sqlite = new Database(file, { readonly: true });
  try {
    expect(sqlite.prepare('SELECT count(*) FROM executions').pluck().get()).toBe(executions);
  } finally {
    sqlite.close();
  }
}

/** A DiPeO file as its releases left it, in a folder of its own under `home`. */
function dipeoFile(home: string, name: string): string {
  const dir = join(home, name);
  mkdirSync(dir, { recursive: true });
  return buildUpgradedDipeo(dir);
}

/** What the snippet leaves: one session, its one job completed by the claim's lease. */
function expectSnippetRan(home: string): void {
  const file = join(home, '.pokecode', 'pokecode.db');
  const sqlite = new Database(file, { readonly: true });
  try {
    expect(sqlite.prepare('SELECT project_path FROM sessions').pluck().all()).toEqual(['/repo']);
    expect(sqlite.prepare('SELECT status FROM job_queue').pluck().all()).toEqual(['completed']);
  } finally {
    sqlite.close();
  }
}

/** better-sqlite3's own refusal under the Bun runtime: what @agentstate/db loads there today. */
const NO_BUN_DRIVER = /'better-sqlite3' is not yet supported in Bun/;
const MISSING_DRIVER =
  '@agentstate/db has no bun:sqlite driver yet: better-sqlite3 does not load in the Bun runtime';

let tarballs: string[] = [];
let tarballOf: Partial<Record<(typeof packedPackages)[number], string>> = {};
/** One npm cache for both projects, holding the built better-sqlite3 (see seedPrebuildCache). */
let npmCache = '';
beforeAll(() => {
  tarballOf = packPackages();
  tarballs = Object.values(tarballOf);
  npmCache = mkdtempSync(join(tmpdir(), 'agentstate-npm-cache-'));
  seedPrebuildCache(npmCache);
}, INSTALL_MS);
afterAll(() => {
  for (const path of [npmCache, ...new Set(tarballs.map((t) => dirname(t)))]) {
    if (path) rmSync(path, { recursive: true, force: true });
  }
});

/** A fresh project, removed when its describe block ends. */
function projectFor(name: string): () => Project {
  let project: Project | undefined;
  beforeAll(() => {
    project = freshProject(name);
    project.env.npm_config_cache = npmCache;
  });
  afterAll(() => {
    if (project) rmSync(dirname(project.dir), { recursive: true, force: true });
  });
  return () => project!;
}

describe('installed with npm into a fresh Node project', () => {
  const project = projectFor('npm');
  const npx = (args: string[]) =>
    run('npx', ['--no-install', 'agentstate', ...args], {
      cwd: project().dir,
      env: project().env,
    });

  beforeAll(() => {
    mustRun('npm', ['install', '--no-audit', '--no-fund', ...tarballs], {
      cwd: project().dir,
      env: project().env,
      timeout: INSTALL_MS,
    });
  }, INSTALL_MS);

  it('ships JavaScript and declarations, not the TypeScript sources', () => {
    const db = join(project().dir, 'node_modules', '@agentstate', 'db');
    const manifest = JSON.parse(readFileSync(join(db, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      dependencies: Record<string, string>;
    };
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
    expect(manifest.dependencies['@agentstate/schema']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(join(db, 'src'))).toBe(false);
    expect(existsSync(join(db, 'dist', 'index.d.ts'))).toBe(true);
  });

  it("runs the README's client snippet with node", () => {
    const { dir, env, home } = project();
    writeFileSync(join(dir, 'snippet.js'), readmeClientSnippet());
    mustRun(process.execPath, ['snippet.js'], { cwd: dir, env });
    expectSnippetRan(home);
  });

  it("type-checks the README's snippet against the installed declarations", () => {
    const { dir, env } = project();
    writeFileSync(
      join(dir, 'snippet.ts'),
      `${readmeClientSnippet()}
import { databases } from '@agentstate/schema';
import { jobQueue } from '@agentstate/schema/pokecode';
const name: 'pokecode' = databases.pokecode.name;
const column: string = jobQueue.status.name;
// @ts-expect-error provider is one of the enum's values: declarations that were any would not say so
pokecode.createSession({ provider: 'not-a-provider', projectPath: '/repo', name: 'x' });
export { name, column };
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['snippet.ts'],
      }),
    );
    const result = run(process.execPath, [tsc, '-p', '.'], { cwd: dir, env });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('migrates a file DiPeO made with npx agentstate from the tarball, then reports it managed', () => {
    const file = dipeoFile(project().home, 'npx-migrate');
    const migrated = npx(['migrate', '--db', 'dipeo', '--path', file]);
    expect(migrated.stderr).not.toMatch(/^error:/m);
    expect(migrated.status).toBe(0);
    expectManaged(npx(['status', '--db', 'dipeo', '--path', file, '--json']), file);
  });

  it('names its own command in the hints it prints', () => {
    const file = join(project().home, 'hint', 'new.db');
    const status = npx(['status', '--db', 'dipeo', '--path', file]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/; agentstate migrate creates it$/m);
    expect(existsSync(file)).toBe(false);
  });

  it('says in one line that a workspace command works only in the repository', () => {
    for (const command of ['generate', 'check', 'docs', 'push', 'new']) {
      const result = npx([command, '--db', 'dipeo']);
      expect(result.status, command).toBe(2);
      expect(result.stderr.trim().split('\n'), command).toEqual([
        expect.stringMatching(
          new RegExp(`^error: ${command}: works only in a clone of the agentstate repository`),
        ),
      ]);
    }
  });

  it('adopts a DiPeO file with the Python example (docs/examples/python/migrate_at_install.py) and the installed CLI', (ctx) => {
    const { dir, env, home } = project();
    ctx.skip(run('python3', ['--version'], { cwd: dir }).status !== 0, 'python3 is not installed');
    const example = join(workspaceRoot(), 'docs', 'examples', 'python', 'migrate_at_install.py');
    const file = dipeoFile(home, 'python-tool');
    const result = run('python3', [example, file], { cwd: dir, env });
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^dipeo: managed, 0 pending/m);
    expectManaged(
      run(
        'npx',
        ['--no-install', 'agentstate', 'status', '--db', 'dipeo', '--path', file, '--json'],
        { cwd: dir, env },
      ),
      file,
    );
  });

  it("opens the Electron example's database (docs/examples/electron/database.mjs) in a userData folder", () => {
    const { dir, env, home } = project();
    const example = join(workspaceRoot(), 'docs', 'examples', 'electron', 'database.mjs');
    copyFileSync(example, join(dir, 'database.mjs'));
    const userData = join(home, '.config', 'electron-example');
    writeFileSync(
      join(dir, 'electron-main.mjs'),
      `import { openAppDatabase } from './database.mjs';
const { handle, pokecode } = await openAppDatabase(process.argv[2]);
const session = pokecode.createSession({ provider: 'codex-cli', projectPath: '/app', name: 'ui' });
pokecode.jobs.enqueue({ sessionId: session.id, promptId: 'p1', provider: 'codex-cli', data: { prompt: 'hi', projectPath: '/app' } });
console.log(JSON.stringify({ path: handle.path, claimed: pokecode.jobs.claim({ worker: 'main' })?.promptId }));
handle.close();
`,
    );
    const out = mustRun(process.execPath, ['electron-main.mjs', userData], { cwd: dir, env });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
      path: join(userData, 'pokecode.db'),
      claimed: 'p1',
    });
    expect(existsSync(join(userData, 'pokecode.db-wal'))).toBe(false);
  });
});

describe('installed with Bun into a fresh Bun project', () => {
  const project = projectFor('bun');
  const bunRun = (args: string[]) => run(bun, args, { cwd: project().dir, env: project().env });

  beforeAll(() => {
    const { dir, env } = project();
    // The tarballs as the project's dependencies, and as what their own dependencies on each
    // other resolve to (Bun would look the versions up in the registry).
    const local = Object.fromEntries(
      packedPackages.map((name) => [name, `file:${tarballOf[name]!}`]),
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      overrides: Record<string, string>;
    };
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        { ...manifest, dependencies: local, overrides: { ...manifest.overrides, ...local } },
        null,
        2,
      ),
    );
    // better-sqlite3's install script runs node-gyp through a shim that calls `bun`.
    env.PATH = `${dirname(bun)}${delimiter}${env.PATH ?? ''}`;
    mustRun(bun, ['install'], { cwd: dir, env, timeout: INSTALL_MS });
  }, INSTALL_MS);

  it('migrates a DiPeO file with bunx agentstate (the bin runs under Node, as its #! line says)', () => {
    const file = dipeoFile(project().home, 'bunx-migrate');
    const migrated = bunRun(['x', 'agentstate', 'migrate', '--db', 'dipeo', '--path', file]);
    expect(migrated.stderr).not.toMatch(/^error:/m);
    expect(migrated.status).toBe(0);
    expectManaged(
      bunRun(['x', 'agentstate', 'status', '--db', 'dipeo', '--path', file, '--json']),
      file,
    );
  });

  it('migrates with the CLI in the Bun runtime (bun --bun x agentstate)', (ctx) => {
    const file = dipeoFile(project().home, 'bun-runtime-migrate');
    const migrated = bunRun([
      '--bun',
      'x',
      'agentstate',
      'migrate',
      '--db',
      'dipeo',
      '--path',
      file,
    ]);
    ctx.skip(NO_BUN_DRIVER.test(migrated.stderr), MISSING_DRIVER);
    expect(migrated.stderr).not.toMatch(/^error:/m);
    expect(migrated.status).toBe(0);
    expectManaged(
      bunRun(['--bun', 'x', 'agentstate', 'status', '--db', 'dipeo', '--path', file, '--json']),
      file,
    );
  });

  it("runs the README's client snippet with bun", (ctx) => {
    const { dir, home } = project();
    writeFileSync(join(dir, 'snippet.js'), readmeClientSnippet());
    const result = bunRun(['snippet.js']);
    ctx.skip(NO_BUN_DRIVER.test(result.stderr), MISSING_DRIVER);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expectSnippetRan(home);
  });
});
