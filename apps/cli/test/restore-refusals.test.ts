import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import type { DatabaseName } from '@agentstate/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openDatabase,
  backupDatabase,
  restoreDatabase,
  RestoreRefusedError,
  betterSqlite3Of,
} from '@agentstate/db';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { errorLines, runCli, unprivilegedPrefix } from './helpers/cli.ts';
import {
  Database,
  makeTempDir,
  tempDir,
  buildOriginalDatabase,
  sha256File,
} from '@agentstate/db/testing';

async function seededFile(name: DatabaseName, path: string, rows = 300): Promise<string> {
  const handle = await openDatabase(name, { path, migrate: { log: () => {} } });
  seedDatabase(betterSqlite3Of(handle.sqlite), name, { rows });
  handle.close();
  return path;
}

/** A copy of `source` changed by `edit` (a plain connection, closed again). */
function editedCopy(source: string, path: string, edit: (sqlite: Database.Database) => void) {
  copyFileSync(source, path);
  const sqlite = new Database(path);
  edit(sqlite);
  sqlite.close();
  return path;
}

const listing = (dir: string) => readdirSync(dir).sort();
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Case {
  what: string;
  /** The --from value; relative ones are resolved from `in/` (the CLI) or the test's cwd. */
  from: string;
  message: RegExp;
}

describe('db:restore refuses what is not a backup of that database, changing nothing', () => {
  // Made while collecting, so the cases can name their files; filled in beforeAll.
  const root = makeTempDir();
  const inbox = join(root, 'in');
  const dbDir = join(root, 'db');
  const target = join(dbDir, 'system.db');
  const at = (file: string) => join(inbox, file);
  let live: Database.Database | undefined;
  let before: { sha: string; db: string[]; in: string[] };
  const expectUnchanged = (what: string) => {
    expect(sha256File(target), what).toBe(before.sha);
    expect(listing(dbDir), what).toEqual(before.db);
    expect(listing(inbox), what).toEqual(before.in);
  };

  const cases: Case[] = [
    { what: 'a missing file', from: at('missing.bak'), message: /missing\.bak: does not exist$/ },
    {
      what: 'a 0-byte file',
      from: at('zero.bak'),
      message: /zero\.bak: is empty \(0 bytes\), not a backup$/,
    },
    {
      what: 'a text file',
      from: at('notes.txt'),
      message: /notes\.txt: not a SQLite database, not a backup$/,
    },
    {
      what: 'an unrelated SQLite file',
      from: at('foreign.sqlite'),
      message:
        /foreign\.sqlite: is an SQLite database with no agentstate migration history and tables that match none of agentstate's databases \(notes\), not a backup of engine$/,
    },
    {
      what: 'an SQLite file with no tables',
      from: at('empty.sqlite'),
      message: /empty\.sqlite: is an empty SQLite database \(no tables\), not a backup$/,
    },
    {
      what: "another database's backup",
      from: at('pokecode.bak'),
      message:
        /pokecode\.bak: is a backup of the pokecode database \(its migration history is pokecode's, up to \d{4}_\w+\), not of engine; restore it with --db pokecode$/,
    },
    {
      what: 'a file the original tool of this database made',
      from: at('engine.db'),
      message: new RegExp(
        `engine\\.db: is a file the original engine tool made \\(no agentstate migration history\\), not a backup; pnpm db:migrate --db engine --path ${escape(at('engine.db'))} adopts such a file in place$`,
      ),
    },
    {
      what: "a file another database's original tool made",
      from: at('mcpmaker.db'),
      message:
        /mcpmaker\.db: looks like a file the original mcpmaker tool made \(tables config, playback_logs, sessions, workflow_sessions, workflows; no agentstate migration history\), not a backup of engine$/,
    },
    {
      what: 'a backup from a newer schema',
      from: at('newer.bak'),
      message:
        /newer\.bak: is a backup of engine written by a newer schema \(1 migration\(s\) this version does not know\); restore it with that version$/,
    },
    {
      what: 'a backup whose recorded migration text differs',
      from: at('edited.bak'),
      message: /edited\.bak: records engine migration 0000_initial_schema with a text that differs/,
    },
    {
      what: 'a backup lacking one of its tables',
      from: at('no-pings.bak'),
      message:
        /no-pings\.bak: records engine's migrations up to \d{4}_\w+ but lacks table pings: it is not a sound backup of engine$/,
    },
    {
      what: 'a truncated backup',
      from: at('truncated.bak'),
      message: /truncated\.bak: is corrupt: /,
    },
    {
      what: 'a database whose -wal holds commits',
      from: at('live.db'),
      message: /live\.db: has a non-empty live\.db-wal beside it: it is a database in use/,
    },
    {
      what: 'the database file itself',
      from: target,
      message:
        /system\.db: is the database file itself \(.*system\.db\): it cannot be restored onto itself$/,
    },
    {
      what: 'the database file through a symlink',
      from: at('link.db'),
      message: /link\.db: is the database file itself \(.*system\.db\)/,
    },
    {
      what: 'the database file through a hard link',
      from: at('hard.db'),
      message: /hard\.db: is the database file itself/,
    },
    {
      what: 'the database file by a relative path',
      from: '../db/./system.db',
      message: /system\.db: is the database file itself/,
    },
  ];

  beforeAll(async () => {
    mkdirSync(dbDir);
    mkdirSync(inbox);
    await seededFile('engine', target);
    const good = (await backupDatabase(target, join(root, 'engine-good.bak'))).path;
    const pokecode = await seededFile('pokecode', join(root, 'pokecode.db'));

    writeFileSync(at('zero.bak'), '');
    writeFileSync(at('notes.txt'), 'not a database at all, just text\n');
    const foreign = new Database(at('foreign.sqlite'));
    foreign.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hi')",
    );
    foreign.close();
    const empty = new Database(at('empty.sqlite'));
    empty.exec('CREATE TABLE t (x); DROP TABLE t'); // a valid file with no tables
    empty.close();
    await backupDatabase(pokecode, at('pokecode.bak'));
    buildOriginalDatabase(inbox, 'engine', (db) => {
      db.prepare(
        "INSERT INTO contacts (id, name, created_at) VALUES ('c1', 'Ada', '2026-01-17 09:00:00')",
      ).run();
    });
    buildOriginalDatabase(inbox, 'mcpmaker', () => {});
    editedCopy(good, at('newer.bak'), (db) =>
      db
        .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
        .run('f'.repeat(64), 4_102_444_800_000),
    );
    editedCopy(good, at('edited.bak'), (db) =>
      db.exec(
        `UPDATE __drizzle_migrations SET hash = '${'e'.repeat(64)}' WHERE created_at = (SELECT min(created_at) FROM __drizzle_migrations)`,
      ),
    );
    editedCopy(good, at('no-pings.bak'), (db) => db.exec('DROP TABLE pings'));
    const bytes = readFileSync(good);
    writeFileSync(at('truncated.bak'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    symlinkSync(relative(inbox, target), at('link.db'));
    linkSync(target, at('hard.db'));
    // A database another process has open, its last commits still only in its -wal.
    copyFileSync(good, at('live.db'));
    live = new Database(at('live.db'));
    live.pragma('journal_mode = WAL');
    live.pragma('wal_autocheckpoint = 0');
    live.exec('CREATE TABLE written_since (x); INSERT INTO written_since VALUES (1)');
    before = { sha: sha256File(target), db: listing(dbDir), in: listing(inbox) };
  });

  afterAll(() => {
    live?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(cases)('$what, through the function and the real CLI', async (c) => {
    // The function, given a path relative to this process's folder as a caller would.
    const from = c.from.startsWith('..') ? `${relative(process.cwd(), inbox)}/${c.from}` : c.from;
    const error = await restoreDatabase('engine', target, from).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RestoreRefusedError);
    expect((error as Error).message).toMatch(c.message);
    expectUnchanged('after the function');

    // The CLI, typed in the inbox folder: one error line, exit 1, nothing on stdout.
    const run = runCli(['restore', '--db', 'engine', '--path', target, '--from', c.from], {
      cwd: inbox,
      home: root,
    });
    expect(run.status, run.stderr).toBe(1);
    const lines = errorLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(c.message);
    if (c.from.startsWith('..')) expect(lines[0]).toContain(`error: ${join(inbox, c.from)}: is`);
    else expect(lines[0]).toBe(`error: ${(error as Error).message}`);
    expect(run.stdout).toBe('');
    expectUnchanged('after the CLI');
  });
});

/**
 * A pokecode file changed since its backup, for a CLI child whose file permissions are enforced
 * (see unprivilegedPrefix): the child owns the database's folder, not the backup's.
 */
async function filesForAnotherUser(runner: { uid: number }) {
  const root = tempDir();
  chmodSync(root, 0o755);
  const home = join(root, 'home');
  const dbDir = join(root, 'db');
  const backups = join(root, 'backups');
  for (const dir of [home, dbDir, backups]) mkdirSync(dir);
  const target = await seededFile('pokecode', join(dbDir, 'pokecode.db'), 500);
  const good = await backupDatabase(target, join(backups, 'pokecode.bak'));
  // The live file changes after the backup: restoring must bring back the backup's rows.
  const sqlite = new Database(target);
  sqlite.exec('DELETE FROM session_messages');
  sqlite.close();
  if (runner.uid === 65534) {
    for (const path of [home, dbDir, target]) chownSync(path, 65534, 65534);
  }
  return { root, home, dbDir, backups, target, good };
}

/** Runs `command` as the child would run; its exit status. */
function asChild(prefix: readonly string[], command: string[]): number | null {
  const [first, ...rest] = [...prefix, ...command];
  return spawnSync(first!, rest).status;
}

const runner = unprivilegedPrefix();
/** A test's name, with why it is skipped when it must be. */
const needsRunner = (name: string) =>
  runner
    ? name
    : `${name} (skipped: running as root without setpriv, permissions are not enforced)`;

describe('db:restore of a good backup', () => {
  it.skipIf(!runner)(
    needsRunner('restores from a folder and file its user cannot write, leaving them as they were'),
    async () => {
      const { root, home, dbDir, backups, target, good } = await filesForAnotherUser(runner!);
      chmodSync(good.path, 0o444);
      chmodSync(backups, 0o555);
      const before = { sha: sha256File(good.path), listing: listing(backups) };
      // The folder really is read-only for the child: it cannot create a file in it.
      expect(asChild(runner!.prefix, ['touch', join(backups, 'probe')])).not.toBe(0);

      const run = runCli(['restore', '--db', 'pokecode', '--path', target, '--from', good.path], {
        cwd: root,
        home,
        prefix: runner!.prefix,
      });
      chmodSync(backups, 0o755);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /^restored .*pokecode\.db from .*pokecode\.bak: [\d,]+ rows, integrity ok/,
      );
      expect(sha256File(good.path)).toBe(before.sha);
      expect(listing(backups)).toEqual(before.listing);
      // The restored file holds the backup's rows, is the user's to write (0600, not the backup's
      // 0444), and nothing of the copy is left beside it.
      const restored = new Database(target);
      expect(restored.prepare('SELECT count(*) FROM session_messages').pluck().get()).toBe(
        good.counts.session_messages,
      );
      restored.close();
      expect(statSync(target).mode & 0o777).toBe(0o600);
      expect(listing(dbDir).filter((f) => !f.includes('.before-restore-'))).toEqual([
        'pokecode.db',
      ]);
    },
  );

  it.skipIf(!runner)(
    needsRunner('is refused, saying so, when its user cannot read it, changing nothing'),
    async () => {
      const { root, home, dbDir, target, good } = await filesForAnotherUser(runner!);
      chmodSync(good.path, 0o000);
      expect(asChild(runner!.prefix, ['cat', good.path])).not.toBe(0);
      const before = { sha: sha256File(target), listing: listing(dbDir) };

      const run = runCli(['restore', '--db', 'pokecode', '--path', target, '--from', good.path], {
        cwd: root,
        home,
        prefix: runner!.prefix,
      });
      expect(run.status).toBe(1);
      expect(errorLines(run)).toEqual([`error: ${good.path}: cannot read it: permission denied`]);
      expect(sha256File(target)).toBe(before.sha);
      expect(listing(dbDir)).toEqual(before.listing);
    },
  );
});
