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
import { openDatabase } from '../src/index.ts';
import { backupDatabase } from '../src/maintenance/backup-database.ts';
import { restoreDatabase, RestoreRefusedError } from '../src/maintenance/restore-database.ts';
import { seedDatabase } from '../src/seed/seed-database.ts';
import { errorLines, runCli, unprivilegedPrefix } from './helpers/cli.ts';
import { Database, makeTempDir, tempDir } from './helpers/fixtures.ts';
import { buildOriginalDatabase, sha256File } from './helpers/original-tools.ts';

async function seededFile(name: DatabaseName, path: string, rows = 300): Promise<string> {
  const handle = await openDatabase(name, { path, migrate: { log: () => {} } });
  seedDatabase(handle.sqlite, name, { rows });
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
  let root: string;
  let target: string;
  let inbox: string;
  let live: Database.Database;
  const cases: Case[] = [];

  beforeAll(async () => {
    root = makeTempDir();
    const dbDir = join(root, 'db');
    inbox = join(root, 'in');
    mkdirSync(dbDir);
    mkdirSync(inbox);
    target = await seededFile('engine', join(dbDir, 'system.db'));
    const good = (await backupDatabase(target, join(root, 'engine-good.bak'))).path;
    const pokecode = await seededFile('pokecode', join(root, 'pokecode.db'));
    const at = (file: string) => join(inbox, file);

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

    cases.push(
      { what: 'a missing file', from: at('missing.bak'), message: /missing\.bak does not exist$/ },
      {
        what: 'a 0-byte file',
        from: at('zero.bak'),
        message: /zero\.bak is empty \(0 bytes\), not a backup$/,
      },
      {
        what: 'a text file',
        from: at('notes.txt'),
        message: /notes\.txt is not an SQLite database/,
      },
      {
        what: 'an unrelated SQLite file',
        from: at('foreign.sqlite'),
        message:
          /foreign\.sqlite is an SQLite database with no agentstate migration history and tables that match none of agentstate's databases \(notes\), not a backup of engine$/,
      },
      {
        what: 'an SQLite file with no tables',
        from: at('empty.sqlite'),
        message: /empty\.sqlite is an empty SQLite database \(no tables\), not a backup$/,
      },
      {
        what: "another database's backup",
        from: at('pokecode.bak'),
        message:
          /pokecode\.bak is a backup of the pokecode database \(its migration history is pokecode's, up to \d{4}_\w+\), not of engine; restore it with --db pokecode$/,
      },
      {
        what: 'a file the original tool of this database made',
        from: at('engine.db'),
        message: new RegExp(
          `engine\\.db is a file the original engine tool made \\(no agentstate migration history\\), not a backup; pnpm db:migrate --db engine --path ${escape(at('engine.db'))} adopts such a file in place$`,
        ),
      },
      {
        what: "a file another database's original tool made",
        from: at('mcpmaker.db'),
        message:
          /mcpmaker\.db looks like a file the original mcpmaker tool made \(tables config, playback_logs, sessions, workflow_sessions, workflows; no agentstate migration history\), not a backup of engine$/,
      },
      {
        what: 'a backup from a newer schema',
        from: at('newer.bak'),
        message:
          /newer\.bak is a backup of engine written by a newer schema \(1 migration\(s\) this version does not know\); restore it with that version$/,
      },
      {
        what: 'a backup whose recorded migration text differs',
        from: at('edited.bak'),
        message:
          /edited\.bak records engine migration 0000_initial_schema with a text that differs/,
      },
      {
        what: 'a backup lacking one of its tables',
        from: at('no-pings.bak'),
        message:
          /no-pings\.bak records engine's migrations up to \d{4}_\w+ but lacks table pings: it is not a sound backup of engine$/,
      },
      {
        what: 'a truncated backup',
        from: at('truncated.bak'),
        message: /truncated\.bak is corrupt: /,
      },
      {
        what: 'a database whose -wal holds commits',
        from: at('live.db'),
        message: /live\.db has a non-empty live\.db-wal beside it: it is a database in use/,
      },
      {
        what: 'the database file itself',
        from: target,
        message:
          /system\.db is the database file itself \(.*system\.db\): it cannot be restored onto itself$/,
      },
      {
        what: 'the database file through a symlink',
        from: at('link.db'),
        message: /link\.db is the database file itself \(.*system\.db\)/,
      },
      {
        what: 'the database file through a hard link',
        from: at('hard.db'),
        message: /hard\.db is the database file itself/,
      },
      {
        what: 'the database file by a relative path',
        from: '../db/./system.db',
        message: /system\.db is the database file itself/,
      },
    );
  });

  afterAll(() => {
    live?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('each, through the function and the real CLI: the message names what the file is', async () => {
    expect(cases.length).toBe(17);
    const before = { sha: sha256File(target), db: listing(join(root, 'db')), in: listing(inbox) };
    const unchanged = (what: string) => {
      expect(sha256File(target), what).toBe(before.sha);
      expect(listing(join(root, 'db')), what).toEqual(before.db);
      expect(listing(inbox), what).toEqual(before.in);
    };
    for (const c of cases) {
      // The function, given a path relative to this process's folder as a caller would.
      const from = c.from.startsWith('..') ? `${relative(process.cwd(), inbox)}/${c.from}` : c.from;
      const error = await restoreDatabase('engine', target, from).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, c.what).toBeInstanceOf(RestoreRefusedError);
      expect((error as Error).message, c.what).toMatch(c.message);
      unchanged(c.what);

      // The CLI, typed in the inbox folder: one error line, exit 1.
      const run = runCli(['restore', '--db', 'engine', '--path', target, '--from', c.from], {
        cwd: inbox,
        home: root,
      });
      expect(run.status, `${c.what}: ${run.stderr}`).toBe(1);
      const lines = errorLines(run);
      expect(lines, c.what).toHaveLength(1);
      expect(lines[0], c.what).toMatch(c.message);
      if (!c.from.startsWith('..'))
        expect(lines[0], c.what).toBe(`error: ${(error as Error).message}`);
      else expect(lines[0]).toContain(`error: ${join(inbox, c.from)} is`);
      expect(run.stdout, c.what).toBe('');
      unchanged(c.what);
    }
  });
});

describe('db:restore of a good backup', () => {
  it('restores from a folder and file its user cannot write, leaving them as they were', async (context) => {
    const runner = unprivilegedPrefix();
    if (!runner) {
      context.skip('running as root without setpriv: a read-only folder cannot be enforced');
      return;
    }
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
    chmodSync(good.path, 0o444);
    chmodSync(backups, 0o555);
    const before = { sha: sha256File(good.path), listing: listing(backups) };

    // The folder really is read-only for the child: it cannot create a file in it.
    const [command, ...args] = [...runner.prefix, 'touch', join(backups, 'probe')];
    expect(spawnSync(command!, args).status).not.toBe(0);

    const run = runCli(['restore', '--db', 'pokecode', '--path', target, '--from', good.path], {
      cwd: root,
      home,
      prefix: runner.prefix,
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
    expect(listing(dbDir).filter((f) => !f.includes('.before-restore-'))).toEqual(['pokecode.db']);
  });
});
