import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createClient } from '@libsql/client';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { DATA_STEP_MARKER } from '@agentstate/schema/data-migration';
import { describe, expect, it } from 'vitest';
import { databaseNames } from '../src/database-names.ts';
import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import {
  createQueue,
  DriftError,
  ForeignKeyViolationError,
  loadMigrations,
  migrate,
  migrateLibsql,
  MigrationFailedError,
  NewerDatabaseError,
  NO_BACKUP_NOTE,
  NotMigratableError,
  openConnection,
  openDatabase,
  planMigrations,
  readServerSchema,
  migrateLibsqlUrl,
  type LibsqlMigrateEvent,
  type LibsqlMigrateOptions,
  type Migration,
} from '../src/index.ts';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { planFromRecords } from '../src/migrate/plan.ts';
import { LIBSQL_URL_ENV } from './conformance/bun-runner.ts';
import { count, Database, fixtureFolder, seedParents, tempDir } from './helpers/fixtures.ts';
import { snapshotRows } from './helpers/original-tools.ts';
import { holdWriteLock, spawnLibsqlMigrateChild } from './helpers/processes.ts';

// migrateLibsql is the code path of a libSQL server; on a `file:` URL the real @libsql/client runs
// it on a real file, so every case here holds for a server short of the network.

const quiet = { log: () => {}, backup: false as const };

/** Migrates `path` through a libSQL client of its own, closed afterwards. */
async function viaClient(
  path: string,
  migrations: readonly Migration[],
  options: LibsqlMigrateOptions = {},
) {
  const url = `file:${path}`;
  const client = createClient({ url, intMode: 'number' });
  try {
    return await migrateLibsql(client, url, migrations, { log: () => {}, ...options });
  } finally {
    client.close();
  }
}

/** Migrates `path` with the file migrator (better-sqlite3). */
async function viaFile(path: string, migrations: readonly Migration[]) {
  const sqlite = openConnection(path);
  try {
    return await migrate(sqlite, migrations, quiet);
  } finally {
    sqlite.close();
  }
}

/** What must be identical whichever migrator ran: the schema objects and the migration rows. */
function schemaAndRecords(path: string) {
  const sqlite = new Database(path, { readonly: true });
  try {
    return {
      objects: sqlite
        .prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
        .all(),
      records: sqlite
        .prepare(
          'SELECT id, hash, created_at, typeof(created_at) AS kind FROM __drizzle_migrations ORDER BY rowid',
        )
        .all(),
    };
  } finally {
    sqlite.close();
  }
}

/** Everything a failed migration must leave as it was: schema, migration rows, every row. */
function wholeState(path: string) {
  const sqlite = openConnection(path, { readonly: true });
  try {
    return { ...schemaAndRecords(path), rows: snapshotRows(sqlite) };
  } finally {
    sqlite.close();
  }
}

function step(migrations: readonly Migration[], tag: string, sql: string): Migration {
  const last = migrations.at(-1)!;
  return {
    idx: migrations.length,
    tag,
    when: last.when + 1 + migrations.length,
    breakpoints: true,
    sql,
    hash: hashMigration(sql),
  };
}

/**
 * An empty database already in WAL mode, as a server's is: two processes switching one fresh file
 * to WAL at the same moment is a race of the file's open, not of the migrator.
 */
function emptyWalFile(): string {
  const path = join(tempDir(), 'engine.db');
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.close();
  return path;
}

describe('migrating through the libSQL client', () => {
  for (const name of databaseNames) {
    it(`${name}: a fresh file and every older step reach head, identical to the file migrator's`, async () => {
      const dir = tempDir();
      const migrations = loadMigrations(name);
      const head = join(dir, 'head.db');
      await viaFile(head, migrations);
      const expected = schemaAndRecords(head);
      expect(expected.records).toHaveLength(migrations.length);

      for (let k = 0; k <= migrations.length; k++) {
        const path = join(dir, `from-${k}.db`);
        if (k > 0) await viaFile(path, migrations.slice(0, k));
        const result = await viaClient(path, migrations);
        expect(result.applied).toEqual(migrations.slice(k).map((m) => m.tag));
        expect(result.stateBefore).toBe(k === 0 ? 'new' : 'managed');
        expect(schemaAndRecords(path)).toEqual(expected);
        // Up to date afterwards for the file migrator too.
        expect((await viaFile(path, migrations)).applied).toEqual([]);
      }
    });
  }

  it('rebuilds a parent table without deleting its ON DELETE CASCADE children', async () => {
    const path = join(tempDir(), 'app.db');
    await viaFile(path, loadMigrations({ folder: fixtureFolder('cascade-v1') }));
    const sqlite = openConnection(path);
    seedParents(sqlite, 50, 3);
    sqlite.close();

    const result = await viaClient(path, loadMigrations({ folder: fixtureFolder('cascade') }));

    expect(result.applied).toEqual(['0001_rebuild_parents']);
    const after = openConnection(path);
    expect(count(after, 'parents')).toBe(50);
    expect(count(after, 'children')).toBe(150);
    expect(after.pragma('foreign_key_check')).toEqual([]);
    after.close();
  });

  it('a step that fails (a UNIQUE index over duplicates) leaves the database unchanged', async () => {
    const path = join(tempDir(), 'pokecode.db');
    const handle = await openDatabase('pokecode', { path, migrate: quiet });
    seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', { rows: 200, seed: 5 });
    handle.sqlite.exec("UPDATE sessions SET name = 'same' WHERE rowid IN (1, 2)");
    handle.close();
    const current = loadMigrations('pokecode');
    const nickname = step(
      current,
      '9000_add_nickname',
      'ALTER TABLE `sessions` ADD `nickname` text;',
    );
    const unique = step(
      [...current, nickname],
      '9001_unique_names',
      'ALTER TABLE `sessions` ADD `alias` text;\n--> statement-breakpoint\n' +
        'CREATE UNIQUE INDEX `sessions_name_unique` ON `sessions` (`name`);',
    );
    const before = wholeState(path);

    const failure = viaClient(path, [...current, nickname, unique]);

    await expect(failure).rejects.toThrow(MigrationFailedError);
    await expect(failure).rejects.toThrow(/migration 9001_unique_names failed: .*UNIQUE/);
    await expect(failure).rejects.toThrow(/The database is unchanged/);
    // Neither the first step of the run nor the first statement of the failing one stayed.
    expect(wholeState(path)).toEqual(before);
  });

  it('a step that leaves rows without their parent is rolled back with the rows named', async () => {
    const path = join(tempDir(), 'app.db');
    const v1 = loadMigrations({ folder: fixtureFolder('cascade-v1') });
    await viaFile(path, v1);
    const sqlite = openConnection(path);
    seedParents(sqlite, 5, 2);
    sqlite.close();
    const before = wholeState(path);
    const orphan = step(
      v1,
      '0001_orphan',
      "INSERT INTO `children` (`parent_id`, `label`) VALUES (999, 'orphan');\n" +
        '--> statement-breakpoint\n' +
        "INSERT INTO `children` (`parent_id`, `label`) VALUES (998, 'orphan''s sibling');",
    );

    // acceptDrift: the drift check builds every step in memory, where this one fails as well.
    const error = await viaClient(path, [...v1, orphan], { acceptDrift: true }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    const violation = error as ForeignKeyViolationError;
    expect(violation.tag).toBe('0001_orphan');
    expect(violation.total).toBe(2);
    expect(violation.violations).toEqual([
      { table: 'children', rowid: 11, parent: 'parents', fkid: 0 },
      { table: 'children', rowid: 12, parent: 'parents', fkid: 0 },
    ]);
    expect(violation.message).toContain(`file:${path}: migration 0001_orphan`);
    expect(violation.message).toMatch(/would leave 2 row\(s\).*children rowid 11 -> parents/);
    expect(wholeState(path)).toEqual(before);
  });

  it('refuses, writing nothing: a data step, drift, a newer history, tables of another tool', async () => {
    const dir = tempDir();
    const current = loadMigrations('pokecode');
    const managed = join(dir, 'managed.db');
    await viaFile(managed, current);
    const before = wholeState(managed);

    const dataSql = `${DATA_STEP_MARKER} 9001_backfill.ts\n`;
    const data: Migration = { ...step(current, '9001_backfill', dataSql), data: () => {} };
    await expect(viaClient(managed, [...current, data])).rejects.toThrow(
      /needs migration 9001_backfill, a TypeScript data migration/,
    );
    await expect(viaClient(managed, [...current, data])).rejects.toThrow(NotMigratableError);

    const newer = step(current, '9002_newer', 'ALTER TABLE `sessions` ADD `later` text;');
    const sqlite = openConnection(managed);
    await migrate(sqlite, [...current, newer], quiet);
    sqlite.close();
    const newerState = wholeState(managed);
    await expect(viaClient(managed, current)).rejects.toThrow(NewerDatabaseError);
    expect(wholeState(managed)).toEqual(newerState);

    const drifted = join(dir, 'drifted.db');
    await viaFile(drifted, current);
    const hand = openConnection(drifted);
    hand.exec('CREATE INDEX my_own ON sessions (name)');
    hand.close();
    const driftedState = wholeState(drifted);
    const next = step(current, '9003_next', 'ALTER TABLE `sessions` ADD `next` text;');
    await expect(viaClient(drifted, [...current, next])).rejects.toThrow(DriftError);
    await expect(viaClient(drifted, [...current, next])).rejects.toThrow(/sessions index my_own/);
    expect(wholeState(drifted)).toEqual(driftedState);
    expect((await viaClient(drifted, [...current, next], { acceptDrift: true })).applied).toEqual([
      '9003_next',
    ]);

    const foreign = join(dir, 'foreign.db');
    const tool = new Database(foreign);
    tool.exec('CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT)');
    tool.exec("INSERT INTO sessions VALUES ('a', 'b')");
    tool.close();
    await expect(viaClient(foreign, current)).rejects.toThrow(
      /has tables but no __drizzle_migrations/,
    );
    expect(schemaAndRecords.bind(null, foreign)).toThrow(/no such table: __drizzle_migrations/);
    expect(wholeState(managed)).toEqual(newerState);
    expect(before.records).toHaveLength(current.length);
  });

  it('two processes migrating at once apply each step once', async () => {
    const path = emptyWalFile();
    const url = `file:${path}`;
    const migrations = loadMigrations('engine');
    const children = [
      spawnLibsqlMigrateChild(url, 'engine'),
      spawnLibsqlMigrateChild(url, 'engine'),
    ];
    await Promise.all(children.map((c) => c.waitFor('ready')));
    for (const child of children) child.go();
    const results = await Promise.all(children.map((c) => c.waitFor('result ')));
    await Promise.all(children.map((c) => c.exited));

    const applied = results.map(
      (line) => (JSON.parse(line.slice(7)) as { applied: string[] }).applied,
    );
    expect(applied.flat().sort()).toEqual(migrations.map((m) => m.tag).sort());
    expect(applied.some((tags) => tags.length === 0)).toBe(true);
    const sqlite = openConnection(path, { readonly: true });
    const plan = planMigrations(sqlite, migrations);
    sqlite.close();
    expect(plan.pending).toEqual([]);
    expect(schemaAndRecords(path).records).toHaveLength(migrations.length);
  });

  it('a migrator that planned before another one committed re-reads under the lock and applies nothing', async () => {
    const path = emptyWalFile();
    const url = `file:${path}`;
    const migrations = loadMigrations('engine');
    const late = spawnLibsqlMigrateChild(url, 'engine', true);
    await late.waitFor('ready');
    late.send();
    await late.waitFor('paused'); // it planned every step of a fresh file

    const first = spawnLibsqlMigrateChild(url, 'engine');
    await first.waitFor('ready');
    first.go();
    const firstResult = JSON.parse((await first.waitFor('result ')).slice(7)) as {
      applied: string[];
    };
    late.process.stdin.end('go\n');
    const lateResult = JSON.parse((await late.waitFor('result ')).slice(7)) as {
      applied: string[];
    };
    await Promise.all([first.exited, late.exited]);

    expect(firstResult.applied).toEqual(migrations.map((m) => m.tag));
    expect(lateResult.applied).toEqual([]);
    expect(late.lines).toContain('event {"type":"retry","reason":"applied-elsewhere"}');
    expect(schemaAndRecords(path).records).toHaveLength(migrations.length);
  });

  it('a batch that met SQLITE_BUSY leaves its client unable to write, so the migrator reconnects', async () => {
    // The cause, on the raw client: a migrate batch that met another process's write lock leaves
    // its failed statement unreset on the connection, so the same client's next batch cannot
    // commit ("SQL statements in progress") long after that lock is gone, until the statement is
    // garbage-collected.
    const probe = emptyWalFile();
    const raw = createClient({ url: `file:${probe}`, intMode: 'number' });
    await raw.execute('PRAGMA busy_timeout = 0');
    const held = await holdWriteLock(probe, 300);
    const first = await raw
      .migrate([{ sql: 'CREATE TABLE a (n)', args: [] }])
      .catch((e: unknown) => e);
    await held.released;
    const second = await raw
      .migrate([{ sql: 'CREATE TABLE b (n)', args: [] }])
      .catch((e: unknown) => e);
    raw.close();
    expect((first as { code?: string }).code).toBe('SQLITE_BUSY');
    expect((second as { code?: string }).code).toBe('SQLITE_BUSY');
    expect((second as Error).message).toContain('SQL statements in progress');

    // The migrator, held up the same way, plans again on a fresh client and applies every step
    // within its lock timeout.
    const path = emptyWalFile();
    const migrations = loadMigrations('engine');
    const lock = await holdWriteLock(path, 300);
    const events: LibsqlMigrateEvent[] = [];
    const result = await migrateLibsqlUrl('engine', {
      url: `file:${path}`,
      lockTimeoutMs: 3_000,
      log: () => {},
      onEvent: (event) => {
        events.push(event);
      },
    });
    await lock.released;
    expect(events).toContainEqual({ type: 'retry', reason: 'busy' });
    expect(result.applied).toEqual(migrations.map((m) => m.tag));
    expect(schemaAndRecords(path).records).toHaveLength(migrations.length);
  });

  it('openDatabase can take the client path for a file: no backup, one note saying so', async () => {
    const path = join(tempDir(), 'engine.db');
    const lines: string[] = [];
    const handle = await openDatabase('engine', {
      url: `file:${path}`,
      migrate: { throughClient: true, log: (line) => lines.push(line) },
    });
    const workers = createQueue('engine', handle);
    await workers.schedule({ primitive: 'index', instructions: 'x' });
    expect((await workers.claim({ worker: 'w' }))?.instructions).toBe('x');
    const { records } = await readServerSchema(handle.client);
    handle.close();

    const migrations = loadMigrations('engine');
    expect(planFromRecords(records ?? [], migrations).pending).toEqual([]);
    expect(lines.filter((line) => line.includes(NO_BACKUP_NOTE))).toHaveLength(1);
    expect(existsSync(join(dirname(path), 'backups'))).toBe(false);
  });
});

const serverUrl = process.env[LIBSQL_URL_ENV];
if (serverUrl) {
  describe('migrating a libSQL server', () => {
    it('brings the server to head through openDatabase, each step recorded once', async () => {
      const handle = await openDatabase('engine', { url: serverUrl, migrate: { log: () => {} } });
      const { records } = await readServerSchema(handle.client);
      handle.close();
      const migrations = loadMigrations('engine');
      expect(planFromRecords(records ?? [], migrations).pending).toEqual([]);
      expect(new Set(records?.map((r) => r.hash)).size).toBe(records?.length);
    });
  });
} else {
  console.warn(`migrate-libsql: libSQL server case SKIPPED (${LIBSQL_URL_ENV} is not set)`);
  describe('migrating a libSQL server', () => {
    it.skip(`needs ${LIBSQL_URL_ENV} (a scratch sqld or Turso database)`, () => {});
  });
}
