import { cliPackageDir } from './helpers/cli.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Database,
  tempDir,
  buildUpgradedDipeo,
  EXECUTIONS_INDEXES,
  buildOriginalDatabase,
  bytesApartFromBackupCounters,
  sha256File,
  snapshotRows,
} from '@agentstate/db/testing';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI as `pnpm db:*` runs it: in the package folder, INIT_CWD = where the user typed it. */
function cli(
  args: string[],
  dirs: { home: string; cwd: string },
  env: Record<string, string> = {},
): Run {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AGENTSTATE_')),
  );
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: cliPackageDir,
    env: { ...clean, HOME: dirs.home, INIT_CWD: dirs.cwd, NO_COLOR: '1', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function dirs(): { home: string; cwd: string } {
  const root = tempDir();
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home);
  mkdirSync(cwd);
  return { home, cwd };
}

const defaultFiles = (d: { home: string; cwd: string }) => ({
  mcpmaker: join(d.home, '.mcpmaker/mcpmaker.db'),
  multishot: join(d.home, '.multishot/database.sqlite'),
  dipeo: join(d.cwd, '.dipeo/data/dipeo_state.db'),
  pokecode: join(d.home, '.pokecode/pokecode.db'),
  engine: join(d.cwd, '.engine/data/db/system.db'),
});

describe('--help', () => {
  it.each([[[]], [['migrate']], [['status']], [['push']]])('is available for %j', (command) => {
    const d = dirs();
    const run = cli([...command, '--help'], d);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: agentstate /);
    if (command.length === 0)
      expect(run.stdout).toMatch(
        /new[\s\S]*generate[\s\S]*check[\s\S]*migrate[\s\S]*status[\s\S]*push/,
      );
    else expect(run.stdout).toContain('--db <name>');
    if (command[0] === 'push') expect(run.stdout).toContain('--force');
    if (command[0] === 'status') expect(run.stdout).toContain('--json');
  });
});

describe('db:migrate and db:status on a fresh machine', () => {
  it('creates and migrates the five databases where the tools keep them, then is idempotent', () => {
    const d = dirs();
    const before = cli(['status', '--json'], d);
    expect(before.status).toBe(0);
    expect((JSON.parse(before.stdout) as Array<{ state: string }>).map((s) => s.state)).toEqual(
      Array(5).fill('new'),
    );
    expect(Object.values(defaultFiles(d)).some(existsSync)).toBe(false); // status never creates files

    const first = cli(['migrate'], d);
    expect(first.status, first.stderr).toBe(0);
    for (const [name, file] of Object.entries(defaultFiles(d))) {
      expect(existsSync(file), file).toBe(true);
      expect(first.stdout).toContain(`${name}: ${file}`);
    }
    expect(first.stdout).toContain('applied: 0000_initial_schema');

    const second = cli(['migrate'], d);
    expect(second.status).toBe(0);
    expect(second.stdout.match(/up to date/g)).toHaveLength(5);

    const status = cli(['status'], d);
    expect(status.status).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toMatch(/^DATABASE\s+STATE\s+APPLIED\s+PENDING\s+SIZE\s+WAL\s+FILE$/);
    for (const name of ['mcpmaker', 'multishot', 'dipeo', 'pokecode', 'engine']) {
      expect(lines.find((l) => l.startsWith(`${name} `))).toMatch(/ managed +\d+ +0 +\d/);
    }
  });

  it('resolves --path against the folder the command was typed in', () => {
    const d = dirs();
    const run = cli(['migrate', '--db', 'mcpmaker', '--path', 'data/x.db'], d);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(d.cwd, 'data/x.db'))).toBe(true);
    expect(existsSync(defaultFiles(d).mcpmaker)).toBe(false);
  });

  it('adopts a database the original tool made, printing the baseline and the backup', () => {
    const d = dirs();
    mkdirSync(join(d.home, '.mcpmaker'));
    const path = buildOriginalDatabase(join(d.home, '.mcpmaker'), 'mcpmaker', (db) => {
      db.prepare("INSERT INTO workflows (id, name) VALUES ('wf-1', 'Book')").run();
    });
    const run = cli(['migrate', '--db', 'mcpmaker', '--path', path], d);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('adopted at 0000_initial_schema');
    expect(run.stdout).toMatch(/backup: .*adopt-0000_initial_schema\.bak/);
    expect(cli(['status', '--db', 'mcpmaker', '--path', path, '--json'], d).stdout).toContain(
      '"state": "managed"',
    );
  });

  it('adopts a DiPeO file that carries execution_states beside executions, keeping it and saying what it did', () => {
    const d = dirs();
    const folder = join(d.cwd, '.dipeo/data');
    mkdirSync(folder, { recursive: true });
    const path = buildUpgradedDipeo(folder);
    const original = readFileSync(path);
    const rowsOf = () => {
      const db = new Database(path, { readonly: true });
      try {
        return snapshotRows(db);
      } finally {
        db.close();
      }
    };
    const before = rowsOf();
    const renames = EXECUTIONS_INDEXES.map((index) => [index, `execution_states_${index}`]);
    const keptLine = 'execution_states: table outside the schema (3 rows), kept untouched';
    const renameLines = renames.map(
      ([from, to]) =>
        `execution_states index ${from} recreated as ${to} (same definition) and dropped: agentstate's schema gives the name to the index on executions`,
    );

    const status = cli(['status', '--db', 'dipeo', '--path', path], d);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^dipeo +adoptable /m);
    for (const line of [keptLine, ...renameLines]) expect(status.stdout).toContain(`\n  ${line}\n`);
    const json = JSON.parse(
      cli(['status', '--db', 'dipeo', '--path', path, '--json'], d).stdout,
    ) as Array<{
      state: string;
      outsideSchema: Array<{
        name: string;
        rows: number;
        renamedIndexes: Array<{ from: string; to: string }>;
      }>;
    }>;
    expect(json[0]!.state).toBe('adoptable');
    expect(json[0]!.outsideSchema.map((t) => [t.name, t.rows])).toEqual([['execution_states', 3]]);
    expect(json[0]!.outsideSchema[0]!.renamedIndexes.map((r) => [r.from, r.to])).toEqual(renames);
    expect(readFileSync(path).equals(original)).toBe(true);

    const run = cli(['migrate', '--db', 'dipeo', '--path', path], d);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      '  adopted at 0000_initial_schema: 8 difference(s) closed without changing a row',
    );
    for (const line of [keptLine, ...renameLines]) expect(run.stdout).toContain(`\n    ${line}\n`);
    const backup = /^ {2}backup: (.+)$/m.exec(run.stdout)?.[1];
    expect(backup).toMatch(/adopt-0000_initial_schema\.bak$/);
    expect(
      bytesApartFromBackupCounters(readFileSync(backup!)).equals(
        bytesApartFromBackupCounters(original),
      ),
    ).toBe(true);

    expect(rowsOf()).toEqual(before);
    const db = new Database(path, { readonly: true });
    const indexes = (table: string) =>
      (db.pragma(`index_list(${table})`) as Array<{ name: string; origin: string }>)
        .filter((i) => i.origin === 'c')
        .map((i) => i.name)
        .sort();
    expect(indexes('executions')).toEqual(EXECUTIONS_INDEXES);
    expect(indexes('execution_states')).toEqual(renames.map(([, to]) => to));
    db.close();

    const after = JSON.parse(
      cli(['status', '--db', 'dipeo', '--path', path, '--json'], d).stdout,
    ) as typeof json;
    expect(after[0]!.state).toBe('managed');
    expect(after[0]!.outsideSchema).toEqual([
      { name: 'execution_states', rows: 3, renamedIndexes: [] },
    ]);
    const again = cli(['migrate', '--db', 'dipeo', '--path', path], d);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('up to date');
  });

  it('refuses the real Claude OS engine with the difference report, leaving it byte-identical', () => {
    const d = dirs();
    const folder = join(d.cwd, '.engine/data/db');
    mkdirSync(folder, { recursive: true });
    const built = buildOriginalDatabase(folder, 'engine-claude-os', (db) => {
      db.prepare(
        "INSERT INTO sessions (session_id, started_at, last_seen_at) VALUES ('u-1', '2026-01-17T09:00:00Z', '2026-01-17T09:00:00Z')",
      ).run();
    });
    const path = defaultFiles(d).engine;
    renameSync(built, path);
    const before = sha256File(path);

    const status = cli(['status', '--db', 'engine'], d);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/^engine +conflict /m);

    const run = cli(['migrate', '--db', 'engine'], d);
    expect(run.status).toBe(1);
    // The report is the command's output (stdout, under the database); stderr is the one error line.
    expect(run.stdout).toContain(
      'sessions.id: expected text NOT NULL PRIMARY KEY, found missing (conflict: 1 existing row has no value for it)',
    );
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^error: .*system\.db: cannot adopt: \d+ differences .* nothing was changed$/,
      ),
    ]);
    expect(sha256File(path)).toBe(before);
    expect(existsSync(join(folder, 'backups'))).toBe(false);

    // With every database selected, the others are still migrated and the exit is non-zero.
    const all = cli(['migrate'], d);
    expect(all.status).toBe(1);
    expect(all.stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: 1 of 5 databases not migrated (engine); the others are up to date',
    );
    expect(existsSync(defaultFiles(d).pokecode)).toBe(true);
    expect(sha256File(path)).toBe(before);
  });
});

describe('bad input is one clear line and a non-zero exit', () => {
  it.each([
    [
      ['migrate', '--db', 'nope'],
      /^error: --db: unknown database "nope" \(one of mcpmaker, multishot, dipeo, pokecode, engine\)$/,
    ],
    [['status', '--path', 'x.db'], /^error: --path needs --db <name>: a file holds one database$/],
    [['push'], /^error: required option '--db <name>' not specified$/],
    [['migrate', '--nope'], /^error: unknown option '--nope'$/],
    [['frobnicate'], /^error: unknown command 'frobnicate'$/],
  ])('%j', (args, expected) => {
    const d = dirs();
    const run = cli(args, d);
    expect(run.status).not.toBe(0);
    expect(run.stderr.trimEnd()).toMatch(expected);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readdirSync(d.cwd)).toEqual([]);
    expect(readdirSync(d.home)).toEqual([]);
  });
});

describe('db:push', () => {
  it('pushes to a new development file, then refuses one with migration history unless --force, backing up first', () => {
    const d = dirs();
    const pushed = cli(['push', '--db', 'mcpmaker', '--path', 'dev.db'], d);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain(`mcpmaker: schema pushed to ${join(d.cwd, 'dev.db')}`);
    const dev = new Database(join(d.cwd, 'dev.db'), { readonly: true });
    expect(
      dev.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get(),
    ).toBe(5);
    dev.close();

    expect(cli(['migrate', '--db', 'mcpmaker', '--path', 'managed.db'], d).status).toBe(0);
    const managed = join(d.cwd, 'managed.db');
    const before = sha256File(managed);
    const refused = cli(['push', '--db', 'mcpmaker', '--path', 'managed.db'], d);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trimEnd()).toMatch(
      /^error: .*managed\.db has a migration history \(2 migration\(s\) recorded\).*--force/,
    );
    expect(sha256File(managed)).toBe(before);
    expect(existsSync(join(d.cwd, 'backups'))).toBe(false);

    const forced = cli(['push', '--db', 'mcpmaker', '--path', 'managed.db', '--force'], d);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/backed up .*managed\.db to .*managed\.db\..*\.push\.bak/);
    expect(forced.stdout).toContain('no changes to push');
  });

  it('turns a data-loss prompt into a clear failure that changes nothing', () => {
    const d = dirs();
    expect(cli(['push', '--db', 'mcpmaker', '--path', 'dev.db'], d).status).toBe(0);
    const path = join(d.cwd, 'dev.db');
    const db = new Database(path);
    db.exec("CREATE TABLE scratch (note TEXT); INSERT INTO scratch VALUES ('keep me')");
    db.close();
    const run = cli(['push', '--db', 'mcpmaker', '--path', 'dev.db'], d);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^error: mcpmaker: drizzle-kit push would lose data .* nothing was pushed\. Write a migration instead/,
    );
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT note FROM scratch').pluck().all()).toEqual(['keep me']);
    after.close();
    expect(readdirSync(join(d.cwd, 'backups')).some((f) => f.endsWith('.push.bak'))).toBe(true);
  });
});
