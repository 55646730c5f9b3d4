import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@agentstate/db';
import {
  damagePages,
  openToEveryone,
  snapshotTree,
  unprivileged,
  writeRandomBytes,
} from '@agentstate/db/testing';

/**
 * Every command × every kind of bad path or value, each through the real command in its own
 * process: exactly one line on stderr, `error: <file or option>: <cause>`, naming what was wrong;
 * nothing on stdout; a non-zero exit; and nothing written (every file's sha256 and every folder's
 * listing under the test's folder unchanged).
 */

const workspace = fileURLToPath(new URL('../../../', import.meta.url));
const DATABASES = 'mcpmaker, multishot, dipeo, pokecode, engine';

/** How each command is started: its entry point, run from its package as `pnpm db:*` does. */
const entries = {
  db: { cwd: join(workspace, 'apps/cli'), argv: ['--import', 'tsx', 'src/main.ts'] },
  generate: {
    cwd: join(workspace, 'apps/cli'),
    argv: ['--import', 'tsx', 'src/main.ts', 'generate'],
  },
  // db:check runs three checks: the place an error could be printed more than once.
  check: {
    cwd: join(workspace, 'apps/cli'),
    argv: ['--import', 'tsx', 'src/main.ts', 'check'],
    keepHome: true,
  },
  studio: { cwd: join(workspace, 'apps/studio'), argv: ['--import', 'tsx', 'src/main.ts'] },
} as const;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(
  entry: keyof typeof entries,
  args: string[],
  dirs: Dirs,
  asUnprivileged: boolean,
): Promise<Run> {
  const { cwd, argv } = entries[entry];
  // db:check runs pnpm, which keeps its own state under HOME; it reads no database there.
  const home = 'keepHome' in entries[entry] ? process.env.HOME! : dirs.home;
  const prefix = asUnprivileged ? (unprivileged as { prefix: string[] }).prefix : [];
  const [command, ...rest] = [...prefix, process.execPath, ...argv, ...args];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AGENTSTATE_')),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(command!, rest, {
      cwd,
      env: { ...env, HOME: home, INIT_CWD: dirs.cwd, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

interface Dirs {
  root: string;
  home: string;
  cwd: string;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) {
    chmodSync(join(root, 'project'), 0o755);
    for (const sub of ['ro']) {
      try {
        chmodSync(join(root, 'project', sub), 0o755);
      } catch {
        // not made by this case
      }
    }
    rmSync(root, { recursive: true, force: true });
  }
});

function dirs(): Dirs {
  const root = mkdtempSync(join(tmpdir(), 'agentstate-cli-errors-'));
  roots.push(root);
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home);
  mkdirSync(cwd);
  openToEveryone(root, root);
  chmodSync(home, 0o755);
  chmodSync(cwd, 0o755);
  return { root, home, cwd };
}

/** A closed pokecode database made by agentstate (WAL mode, migrated), readable by everyone. */
async function managed(path: string): Promise<string> {
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  handle.sqlite
    .prepare(
      "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s1', 'claude-code', '/repo', 'fix', 1, 1, 1)",
    )
    .run();
  handle.close();
  chmodSync(path, 0o644);
  return path;
}

type Kind =
  | 'a directory'
  | 'a missing file'
  | 'a file without permission'
  | 'not a database'
  | 'a corrupt database'
  | 'a read-only folder'
  | 'an out-of-range value'
  | 'an unknown database';

/** What the one line must say for each kind of bad input. */
const causes: Record<Kind, RegExp> = {
  'a directory': /is a directory/,
  'a missing file': /does not exist/,
  'a file without permission': /permission denied/,
  'not a database': /not a SQLite database/,
  'a corrupt database': /damaged|corrupt/,
  'a read-only folder': /read-only/,
  'an out-of-range value': /expected|longer than|not a duration|must be/,
  'an unknown database': new RegExp(`unknown database "nope" \\(one of ${DATABASES}\\)$`),
};

/** The bad thing a case is given: the path (or option) the line must name, and the arguments. */
type Make = (
  d: Dirs,
) => Promise<{ named: string; args: string[] }> | { named: string; args: string[] };

const directory: Make = (d) => {
  const path = join(d.cwd, 'a-folder');
  mkdirSync(path);
  return { named: path, args: [path] };
};
const missing: Make = (d) => {
  const path = join(d.cwd, 'missing.db');
  return { named: path, args: [path] };
};
const withoutPermission: Make = async (d) => {
  const path = await managed(join(d.cwd, 'private.db'));
  chmodSync(path, 0o000);
  return { named: path, args: [path] };
};
const notADatabase: Make = (d) => {
  const path = join(d.cwd, 'random.db');
  writeRandomBytes(path);
  chmodSync(path, 0o644);
  return { named: path, args: [path] };
};
const corrupt: Make = async (d) => {
  const path = await managed(join(d.cwd, 'damaged.db'));
  damagePages(path);
  return { named: path, args: [path] };
};
/**
 * `project/ro/pokecode.db`: the file itself writable by the unprivileged user, its folder not.
 * `file` picks another name in that folder (e.g. one that does not exist yet).
 */
const inReadOnlyFolder =
  (file = 'pokecode.db', named: 'file' | 'folder' = 'file'): Make =>
  async (d) => {
    const folder = join(d.cwd, 'ro');
    mkdirSync(folder);
    const path = await managed(join(folder, 'pokecode.db'));
    if (unprivileged.skip === undefined) chownSync(path, unprivileged.uid, unprivileged.uid);
    chmodSync(folder, 0o555);
    const target = join(folder, file);
    return { named: named === 'file' ? target : folder, args: [target] };
  };
/** A good backup to restore from, for the cases about the restore's target. */
const goodBackup = async (d: Dirs) => managed(join(d.cwd, 'good-backup.db'));

interface Case {
  command: string;
  kind: Kind;
  entry: keyof typeof entries;
  /** Arguments around the bad one (`$` is replaced by it). */
  args: string[];
  make?: Make;
  /** The option the line must name when there is no file. */
  option?: string;
  /** Needs a user that file modes apply to. */
  unprivileged?: boolean;
}

const pathCommands: Array<{ command: string; entry: keyof typeof entries; args: string[] }> = [
  { command: 'db:migrate', entry: 'db', args: ['migrate', '--db', 'pokecode', '--path', '$'] },
  { command: 'db:status', entry: 'db', args: ['status', '--db', 'pokecode', '--path', '$'] },
  { command: 'db:push', entry: 'db', args: ['push', '--db', 'pokecode', '--path', '$'] },
  {
    command: 'db:seed',
    entry: 'db',
    args: ['seed', '--db', 'pokecode', '--path', '$', '--rows', '10'],
  },
  { command: 'db:backup', entry: 'db', args: ['backup', '--db', 'pokecode', '--path', '$'] },
  { command: 'db:prune', entry: 'db', args: ['prune', '--db', 'pokecode', '--path', '$'] },
  {
    command: 'db:studio',
    entry: 'studio',
    args: ['--db', 'pokecode', '--path', '$', '--port', '0', '--no-drizzle-kit'],
  },
];
const restoreFrom = {
  command: 'db:restore --from',
  entry: 'db' as const,
  args: ['restore', '--db', 'pokecode', '--path', 'target.db', '--from', '$'],
};

const cases: Case[] = [
  ...[...pathCommands, restoreFrom].flatMap((c): Case[] => [
    { ...c, kind: 'a directory', make: directory },
    { ...c, kind: 'a file without permission', make: withoutPermission, unprivileged: true },
    { ...c, kind: 'not a database', make: notADatabase },
    { ...c, kind: 'a corrupt database', make: corrupt },
  ]),
  {
    command: 'db:backup --out',
    entry: 'db',
    kind: 'a directory',
    args: ['backup', '--db', 'pokecode', '--path', 'good-backup.db', '--out', '$'],
    make: async (d) => (await goodBackup(d), directory(d)),
  },
  {
    command: 'db:restore --path',
    entry: 'db',
    kind: 'a directory',
    args: ['restore', '--db', 'pokecode', '--from', 'good-backup.db', '--path', '$'],
    make: async (d) => (await goodBackup(d), directory(d)),
  },
  ...['db:backup', 'db:prune'].map((command): Case => ({
    ...pathCommands.find((c) => c.command === command)!,
    kind: 'a missing file',
    make: missing,
  })),
  { ...restoreFrom, kind: 'a missing file', make: missing },
  // Each writes where the folder forbids it (db:migrate creates a new file there).
  ...pathCommands
    .filter((c) => c.command !== 'db:status')
    .map((c): Case => ({
      ...c,
      kind: 'a read-only folder',
      make:
        c.command === 'db:migrate'
          ? inReadOnlyFolder('new.db')
          : // its backup goes to backups/ in that folder, by default
            inReadOnlyFolder('pokecode.db', c.command === 'db:backup' ? 'folder' : 'file'),
      unprivileged: true,
    })),
  {
    command: 'db:restore --path',
    entry: 'db',
    kind: 'a read-only folder',
    args: ['restore', '--db', 'pokecode', '--from', 'good-backup.db', '--path', '$'],
    make: async (d) => (await goodBackup(d), inReadOnlyFolder()(d)),
    unprivileged: true,
  },
  ...(
    [
      ['db:seed', 'db', ['seed', '--db', 'pokecode', '--rows', '0'], '--rows'],
      ['db:seed', 'db', ['seed', '--db', 'pokecode', '--seed', '-1'], '--seed'],
      [
        'db:prune',
        'db',
        ['prune', '--db', 'pokecode', '--older-than', '1000000000d'],
        '--older-than',
      ],
      ['db:prune', 'db', ['prune', '--db', 'pokecode', '--older-than', '0d'], '--older-than'],
      ['db:studio', 'studio', ['--db', 'pokecode', '--port', '70000'], '--port'],
      ['db:generate', 'generate', ['--db', 'pokecode', '--name', 'Not-Snake'], '--name'],
    ] as const
  ).map(([command, entry, args, option]): Case => ({
    command,
    entry,
    kind: 'an out-of-range value',
    args: [...args],
    option,
  })),
  ...(
    [
      ['db:migrate', 'db', ['migrate']],
      ['db:status', 'db', ['status']],
      ['db:push', 'db', ['push']],
      ['db:docs', 'db', ['docs']],
      ['db:seed', 'db', ['seed']],
      ['db:backup', 'db', ['backup']],
      ['db:restore', 'db', ['restore', '--from', 'x.bak']],
      ['db:prune', 'db', ['prune']],
      ['db:generate', 'generate', []],
      ['db:check', 'check', []],
      ['db:studio', 'studio', []],
    ] as const
  ).map(([command, entry, args]): Case => ({
    command,
    entry,
    kind: 'an unknown database',
    args: [...args, '--db', 'nope'],
    option: '--db',
  })),
];

describe.concurrent('one error path: every command × every kind of bad input', () => {
  for (const c of cases) {
    const skip = c.unprivileged ? unprivileged.skip : undefined;
    const name = `${c.command}, ${c.kind}${skip ? ` (skipped: ${skip})` : ''}`;
    (skip ? it.skip : it)(name, { timeout: 180_000 }, async () => {
      const d = dirs();
      const made = c.make ? await c.make(d) : undefined;
      const args = c.args.map((arg) =>
        arg === '$'
          ? made!.args[0]!
          : arg.endsWith('.db') && !arg.startsWith('/')
            ? join(d.cwd, arg)
            : arg,
      );
      const before = snapshotTree(d.root);

      const result = await run(c.entry, args, d, c.unprivileged === true);

      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      const [line] = lines as [string];
      expect(line).toMatch(/^error: \S.*?: \S/);
      // `error: <where>: <cause>`: the file or option comes first.
      const where = line.slice('error: '.length).split(': ')[0]!;
      expect(where).toContain(made?.named ?? c.option!);
      expect(line).toMatch(causes[c.kind]);
      expect(result.stdout).toBe('');
      expect(result.status).not.toBe(0);
      expect(snapshotTree(d.root)).toEqual(before);
    });
  }
});
