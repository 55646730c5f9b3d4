import { cliPackageDir } from './helpers/cli.ts';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AdoptionConflictError,
  adoptAndMigrate,
  DatabaseFileError,
  databaseStatus,
  examineDatabaseFile,
  openConnection,
  openDatabase,
  readDatabaseFile,
  readModeFor,
  type SqliteConnection,
} from '@agentstate/db';
import {
  Database,
  tempDir,
  damagePages,
  openToEveryone,
  snapshotTree,
  unprivileged,
  writeRandomBytes,
  originalDdl,
} from '@agentstate/db/testing';

/** MCPMaker's own DDL with a session whose workflow is gone: the schema's foreign key conflicts. */
function conflictingMcpmaker(path: string, journal: 'delete' | 'wal'): void {
  const sqlite = new Database(path);
  sqlite.pragma(`journal_mode = ${journal}`);
  sqlite.exec(originalDdl('mcpmaker'));
  sqlite
    .prepare(
      "INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at) VALUES ('s1', 'gone', 'Book', 'https://x.test', 1, 2)",
    )
    .run();
  sqlite.close();
}

/** A closed pokecode database migrated by agentstate, with a session row: WAL mode, no -wal. */
async function managedPokecode(path: string): Promise<void> {
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  handle.sqlite
    .prepare(
      "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s1', 'claude-code', '/repo', 'fix', 1, 1, 1)",
    )
    .run();
  handle.close();
}

describe('examineDatabaseFile reads the header only, and refuses what SQLite cannot use', () => {
  it('tells missing, empty, WAL and rollback-journal files apart', async () => {
    const dir = tempDir();
    expect(examineDatabaseFile(join(dir, 'none.db'))).toMatchObject({ exists: false, bytes: 0 });
    writeFileSync(join(dir, 'empty.db'), '');
    expect(examineDatabaseFile(join(dir, 'empty.db'))).toMatchObject({
      exists: true,
      bytes: 0,
      journal: undefined,
    });
    conflictingMcpmaker(join(dir, 'delete.db'), 'delete');
    expect(examineDatabaseFile(join(dir, 'delete.db')).journal).toBe('rollback');
    await managedPokecode(join(dir, 'wal.db'));
    expect(examineDatabaseFile(join(dir, 'wal.db'))).toMatchObject({
      journal: 'wal',
      walBytes: undefined,
      hasShm: false,
    });
  });

  it.each([
    ['a directory', (path: string) => mkdirSync(path), 'DIRECTORY', 'is a directory'],
    [
      'random bytes',
      (path: string) => writeRandomBytes(path),
      'NOT_A_DATABASE',
      'not a SQLite database',
    ],
    [
      'a header with a page size of 1000',
      (path: string) => {
        conflictingMcpmaker(path, 'delete');
        const file = openSync(path, 'r+');
        writeSync(file, Buffer.from([0x03, 0xe8]), 0, 2, 16); // bytes 16-17: the page size
        closeSync(file);
      },
      'DAMAGED',
      'the database is damaged: its header gives a page size of 1000',
    ],
  ])('%s', (_what, make, code, message) => {
    const path = join(tempDir(), 'x.db');
    make(path);
    const error = (() => {
      try {
        examineDatabaseFile(path);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatabaseFileError);
    expect(error).toMatchObject({ code, message: `${path}: ${message}` });
  });
});

describe('a refused open leaves the file byte-identical, with no -wal or -shm', () => {
  it.each(['delete', 'wal'] as const)(
    'a conflicting file the original tool made (%s journal): openDatabase and db:migrate refuse it before switching it to WAL',
    async (journal) => {
      const dir = tempDir();
      const path = join(dir, 'mcpmaker.db');
      conflictingMcpmaker(path, journal);
      const before = snapshotTree(dir);

      await expect(openDatabase('mcpmaker', { path, migrate: { log: () => {} } })).rejects.toThrow(
        AdoptionConflictError,
      );
      expect(snapshotTree(dir)).toEqual(before);
      await expect(adoptAndMigrate('mcpmaker', { path })).rejects.toThrow(AdoptionConflictError);
      expect(snapshotTree(dir)).toEqual(before);
      // Still in the journal mode the tool chose.
      expect(examineDatabaseFile(path).journal).toBe(journal === 'wal' ? 'wal' : 'rollback');
    },
  );

  it('a database with damaged pages: openDatabase, db:migrate and status refuse it as it is', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    await managedPokecode(path);
    damagePages(path);
    const before = snapshotTree(dir);

    for (const attempt of [
      () => openDatabase('pokecode', { path, migrate: { log: () => {} } }),
      () => adoptAndMigrate('pokecode', { path }),
      () => databaseStatus('pokecode', { path }),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code).toMatch(/^SQLITE_CORRUPT/);
      expect(snapshotTree(dir)).toEqual(before);
    }
  });

  it('a file that is not a database: refused before the folder or a -wal is created', async () => {
    const dir = tempDir();
    const path = join(dir, 'x.db');
    writeRandomBytes(path);
    const before = snapshotTree(dir);
    await expect(openDatabase('engine', { path })).rejects.toThrow(/x\.db: not a SQLite database$/);
    expect(() => openConnection(path)).toThrow(DatabaseFileError);
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe('reading writes nothing', () => {
  it('databaseStatus of a closed WAL database creates no -wal or -shm', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    await managedPokecode(path);
    const before = snapshotTree(dir);
    expect(Object.keys(before)).toEqual(['pokecode.db']);
    const status = await databaseStatus('pokecode', { path });
    expect(status.state).toBe('managed');
    expect(status.applied.length).toBeGreaterThan(0);
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("reads what only a -wal holds when its -shm is gone, from a private copy, leaving the original's folder as it was", async () => {
    const live = tempDir();
    const path = join(live, 'pokecode.db');
    // A writer that never checkpoints: the migrations and the row are in the -wal only.
    const writer = openConnection(path);
    writer.pragma('wal_autocheckpoint = 0');
    const handle = await openDatabase('pokecode', {
      path,
      migrate: { log: () => {}, backup: false },
    });
    handle.sqlite.pragma('wal_autocheckpoint = 0');
    handle.sqlite
      .prepare(
        "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s1', 'claude-code', '/repo', 'fix', 1, 1, 1)",
      )
      .run();
    // As a crash leaves it, minus the -shm (a copied database): main file and -wal.
    const dir = tempDir();
    const copy = join(dir, 'pokecode.db');
    copyFileSync(path, copy);
    copyFileSync(`${path}-wal`, `${copy}-wal`);
    handle.close();
    writer.close();
    const before = snapshotTree(dir);

    const file = examineDatabaseFile(copy);
    expect(file.walBytes).toBeGreaterThan(0);
    expect(readModeFor(file)).toBe('copy');
    const sessions = await readDatabaseFile(copy, (sqlite) =>
      sqlite.prepare('SELECT id FROM sessions').pluck().all(),
    );
    expect(sessions).toEqual(['s1']);
    expect((await databaseStatus('pokecode', { path: copy })).state).toBe('managed');
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('reads again, taking part in locking, when a writer starts during a read without locks', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    await managedPokecode(path);
    let writer: SqliteConnection | undefined;
    const modes: string[] = [];
    const counts = await readDatabaseFile(path, (sqlite, file) => {
      modes.push(readModeFor(file));
      if (!writer) {
        // Another process opens the database and commits while this read is under way.
        writer = openConnection(path);
        writer
          .prepare(
            "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s2', 'claude-code', '/repo', 'two', 1, 1, 1)",
          )
          .run();
      }
      return sqlite.prepare('SELECT count(*) FROM sessions').pluck().get();
    });
    expect(modes).toEqual(['immutable', 'shared']);
    expect(counts).toBe(2);
    writer!.close();
    expect(readdirSync(dir)).toEqual(['pokecode.db']);
  });

  it('reads a private copy instead where SQLite URI filenames are off (SQLITE_USE_URI=0)', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    await managedPokecode(path);
    const before = snapshotTree(dir);
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'status', '--db', 'pokecode', '--path', path, '--json'],
      { cwd: cliPackageDir, env: { ...process.env, SQLITE_USE_URI: '0' }, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as [{ state: string }])[0].state).toBe('managed');
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('closing the last read-write connection leaves no -wal or -shm where there were none', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    await managedPokecode(path);
    const handle = await openDatabase('pokecode', { path });
    expect(existsSync(`${path}-wal`)).toBe(true);
    handle.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
  });
});

describe.skipIf(unprivileged.skip !== undefined)(
  `db:status in a read-only folder${unprivileged.skip ? ` (skipped: ${unprivileged.skip})` : ''}`,
  () => {
    const runAsUnprivileged = (args: string[], home: string) => {
      const { prefix } = unprivileged as { prefix: string[] };
      const [command, ...rest] = [
        ...prefix,
        process.execPath,
        '--import',
        'tsx',
        'src/main.ts',
        ...args,
      ];
      return spawnSync(command!, rest, {
        cwd: cliPackageDir,
        env: { ...process.env, HOME: home, INIT_CWD: home, NO_COLOR: '1' },
        encoding: 'utf8',
      });
    };

    /** `dir/ro/pokecode.db`, readable by everyone, in a folder nobody but root may write. */
    async function readOnlyFolder(): Promise<{ root: string; folder: string; path: string }> {
      const root = tempDir();
      const folder = join(root, 'ro');
      mkdirSync(folder);
      const path = join(folder, 'pokecode.db');
      await managedPokecode(path);
      return { root, folder, path };
    }

    function lockDown(root: string, folder: string): void {
      for (const name of readdirSync(folder, { recursive: true }).map(String)) {
        chmodSync(join(folder, name), 0o644 | (name === 'backups' ? 0o111 : 0));
      }
      openToEveryone(root, root);
      chmodSync(folder, 0o555);
      if (process.getuid?.() !== 0) return;
      chownSync(folder, 0, 0);
    }

    it('reads a closed WAL-mode managed database, writing nothing', async () => {
      const { root, folder, path } = await readOnlyFolder();
      lockDown(root, folder);
      const before = snapshotTree(folder);
      const run = runAsUnprivileged(['status', '--db', 'pokecode', '--path', path, '--json'], root);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const [row] = JSON.parse(run.stdout) as Array<{ state: string; applied: string[] }>;
      expect(row!.state).toBe('managed');
      expect(row!.applied.length).toBeGreaterThan(0);
      expect(snapshotTree(folder)).toEqual(before);
    });

    it('reads a live one, whose -wal and -shm another process holds open', async () => {
      const { root, folder, path } = await readOnlyFolder();
      const writer = openConnection(path);
      writer.pragma('wal_autocheckpoint = 0');
      writer
        .prepare(
          "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s2', 'claude-code', '/repo', 'two', 1, 1, 1)",
        )
        .run();
      try {
        lockDown(root, folder);
        const before = snapshotTree(folder);
        expect(Object.keys(before)).toEqual(
          expect.arrayContaining(['pokecode.db', 'pokecode.db-wal', 'pokecode.db-shm']),
        );
        const run = runAsUnprivileged(
          ['status', '--db', 'pokecode', '--path', path, '--json'],
          root,
        );
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        expect((JSON.parse(run.stdout) as [{ state: string }])[0].state).toBe('managed');
        expect(snapshotTree(folder)).toEqual(before);
      } finally {
        chmodSync(folder, 0o755);
        writer.close();
      }
    });
  },
);
