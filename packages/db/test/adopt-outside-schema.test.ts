import type { SqliteConnection } from '../src/driver/types.ts';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  adoptAndMigrate,
  databaseStatus,
  readLiveSchema,
  renameInCreateIndex,
} from '../src/adopt/index.ts';
import { loadMigrations, openDatabase, type DatabaseName } from '../src/index.ts';
import {
  buildPreRenameDipeo,
  buildUpgradedDipeo,
  EXECUTIONS_INDEXES,
  executionStatesRows,
} from './helpers/dipeo-releases.ts';
import { Database as SqliteDatabase, tempDir } from './helpers/fixtures.ts';
import {
  buildOriginalDatabase,
  bytesApartFromBackupCounters,
  comparableSchema,
  originalDdl,
  sha256File,
  snapshotRows,
} from './helpers/original-tools.ts';

const quiet = { log: () => {} };

/** A table as SQLite describes it: its statement, every column, every index with its key columns. */
function tableDefinition(db: SqliteConnection, table: string) {
  const indexes = (
    db.pragma(`index_list("${table}")`) as Array<{
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }>
  )
    .map(({ name, unique, origin, partial }) => ({
      name,
      unique,
      origin,
      partial,
      key: db.pragma(`index_xinfo("${name}")`),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    sql: db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
      .pluck()
      .get(table) as string,
    columns: db.pragma(`table_xinfo("${table}")`),
    indexes,
  };
}

function indexNames(db: SqliteConnection, table: string): string[] {
  return (db.pragma(`index_list("${table}")`) as Array<{ name: string; origin: string }>)
    .filter((i) => i.origin === 'c')
    .map((i) => i.name)
    .sort();
}

function read<T>(path: string, use: (db: SqliteConnection) => T): T {
  const db = new SqliteDatabase(path, { readonly: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** The schema of agentstate's tables in a file, without the tables outside it. */
function schemaWithout(db: SqliteConnection, outside: readonly string[]): unknown {
  const live = readLiveSchema(db);
  for (const name of outside) live.tables.delete(name);
  return comparableSchema(live);
}

async function freshSchema(name: DatabaseName): Promise<unknown> {
  const fresh = await openDatabase(name, { path: ':memory:', migrate: quiet });
  try {
    return comparableSchema(readLiveSchema(fresh.sqlite));
  } finally {
    fresh.close();
  }
}

/** What adoption does with DiPeO's execution_states: its five indexes give up their names. */
const executionStatesPlan = {
  name: 'execution_states',
  rows: executionStatesRows.length,
  // Record<string, unknown>: `sql` is a matcher.
  renamedIndexes: EXECUTIONS_INDEXES.map((index): Record<string, unknown> => ({
    table: 'execution_states',
    from: index,
    to: `execution_states_${index}`,
    neededBy: 'the index on executions',
    sql: expect.stringMatching(
      new RegExp(`^CREATE INDEX "execution_states_${index}" ON execution_states\\(`),
    ),
  })),
};

const executionStatesReport = [
  'execution_states: table outside the schema (3 rows), kept untouched',
  ...EXECUTIONS_INDEXES.map(
    (index) =>
      `execution_states index ${index} recreated as execution_states_${index} (same definition) and dropped: ` +
      "agentstate's schema gives the name to the index on executions",
  ),
];

/** The old table's indexes under the names adoption gives them. */
function renamed(definition: ReturnType<typeof tableDefinition>) {
  return {
    ...definition,
    indexes: definition.indexes
      .map((i) => (i.origin === 'c' ? { ...i, name: `execution_states_${i.name}` } : i))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

describe('a DiPeO file from before and after execution_states was renamed to executions', () => {
  it('adopts through openDatabase: no row changed, the schema indexes on executions, the old table untouched, all reported', async () => {
    const dir = tempDir();
    const path = buildUpgradedDipeo(dir);
    const original = readFileSync(path);
    const before = read(path, (db) => ({
      rows: snapshotRows(db),
      oldTable: tableDefinition(db, 'execution_states'),
      executionsIndexes: indexNames(db, 'executions'),
      oldIndexes: indexNames(db, 'execution_states'),
    }));
    // As DiPeO left it: its CREATE INDEX IF NOT EXISTS on executions found the names taken.
    expect(before.executionsIndexes).toEqual([]);
    expect(before.oldIndexes).toEqual(EXECUTIONS_INDEXES);
    expect(before.rows.get('execution_states')?.size).toBe(3);
    expect(before.rows.get('executions')?.size).toBe(1);

    const status = await databaseStatus('dipeo', { path });
    expect(status.state).toBe('adoptable');
    expect(status.baseline).toBe('0000_initial_schema');
    // DiPeO's TEXT PRIMARY KEY columns are nullable: those tables are rebuilt, rows copied as they are.
    expect(status.differences).toEqual([
      'executions.execution_id NOT NULL: expected NOT NULL, found nullable (closable: rebuild-table)',
      'executions index idx_access_count: expected (access_count desc), found missing (closable: create-index)',
      'executions index idx_diagram_id: expected (diagram_id), found missing (closable: create-index)',
      'executions index idx_last_accessed: expected (last_accessed desc), found missing (closable: create-index)',
      'executions index idx_started_at: expected (started_at), found missing (closable: create-index)',
      'executions index idx_status: expected (status), found missing (closable: create-index)',
      'messages.id NOT NULL: expected NOT NULL, found nullable (closable: rebuild-table)',
      'transitions.id NOT NULL: expected NOT NULL, found nullable (closable: rebuild-table)',
    ]);
    expect(status.outsideSchema).toEqual([executionStatesPlan]);
    expect(readFileSync(path).equals(original)).toBe(true); // status reads only

    const logs: string[] = [];
    const handle = await openDatabase('dipeo', {
      path,
      migrate: { log: (line) => logs.push(line) },
    });
    const adoption = handle.adoption!;
    handle.close();
    expect(adoption.adopted).toBe(true);
    expect(adoption.baseline).toBe('0000_initial_schema');
    const closed = [
      'executions.execution_id NOT NULL',
      ...EXECUTIONS_INDEXES.map((index) => `executions index ${index}`),
      'messages.id NOT NULL',
      'transitions.id NOT NULL',
    ];
    expect(adoption.closed.map((d) => d.subject)).toEqual(closed);
    expect(adoption.outsideSchema).toEqual([executionStatesPlan]);
    const adoptedLine = logs.find((line) => line.includes('adopted at 0000_initial_schema'));
    expect(adoptedLine).toBe(
      `${path}: adopted at 0000_initial_schema (closed: ${closed.join('; ')}); ` +
        executionStatesReport.join('; '),
    );

    // The backup was taken before the first change: the file as it was, byte for byte apart from
    // the header counters SQLite's backup API bumps.
    expect(adoption.backupPath && existsSync(adoption.backupPath)).toBe(true);
    expect(
      bytesApartFromBackupCounters(readFileSync(adoption.backupPath!)).equals(
        bytesApartFromBackupCounters(original),
      ),
    ).toBe(true);
    expect(logs).toContain(`backed up ${path} to ${adoption.backupPath}`);

    const fresh = await freshSchema('dipeo');
    read(path, (db) => {
      expect(snapshotRows(db)).toEqual(before.rows); // every table, the old one included
      expect(indexNames(db, 'executions')).toEqual(EXECUTIONS_INDEXES);
      expect(schemaWithout(db, ['execution_states'])).toEqual(fresh);
      const oldTable = tableDefinition(db, 'execution_states');
      expect(oldTable.sql).toBe(before.oldTable.sql);
      expect(oldTable.columns).toEqual(before.oldTable.columns);
      expect(oldTable).toEqual(renamed(before.oldTable));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    });

    // Later opens and migrations accept it as it is.
    const fingerprint = sha256File(path);
    const again = await openDatabase('dipeo', { path, migrate: quiet });
    expect(again.adoption).toBeUndefined();
    expect(again.migration?.applied).toEqual([]);
    again.close();
    const rerun = await adoptAndMigrate('dipeo', { path, ...quiet });
    expect(rerun.stateBefore).toBe('managed');
    expect(rerun.migration.applied).toEqual([]);
    expect(sha256File(path)).toBe(fingerprint);
    const managed = await databaseStatus('dipeo', { path });
    expect(managed.state).toBe('managed');
    expect(managed.differences).toEqual([]);
    expect(managed.outsideSchema).toEqual([
      { name: 'execution_states', rows: 3, renamedIndexes: [] },
    ]);
  });

  it('still runs the start-up DDL of both DiPeO releases once adopted, which changes nothing', async () => {
    const path = buildUpgradedDipeo(tempDir());
    await adoptAndMigrate('dipeo', { path, ...quiet });
    const schemaOf = (db: SqliteConnection) =>
      db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all();
    const before = read(path, (db) => ({ schema: schemaOf(db), rows: snapshotRows(db) }));
    const db = new SqliteDatabase(path);
    db.exec(originalDdl('dipeo'));
    db.exec(originalDdl('dipeo-execution-states'));
    expect(schemaOf(db)).toEqual(before.schema);
    expect(snapshotRows(db)).toEqual(before.rows);
    db.close();
  });
});

describe('a DiPeO file that never ran the renamed release (execution_states only)', () => {
  it('gets an empty executions with the schema indexes, as DiPeO itself does, and keeps execution_states as it is', async () => {
    const dir = tempDir();
    const path = buildPreRenameDipeo(dir);
    const original = readFileSync(path);
    const before = read(path, (db) => ({
      rows: snapshotRows(db),
      oldTable: tableDefinition(db, 'execution_states'),
    }));
    expect(before.rows.has('executions')).toBe(false);

    const status = await databaseStatus('dipeo', { path });
    expect(status.state).toBe('adoptable');
    expect(status.differences).toEqual([
      'executions: expected table, found missing (closable: create-table)',
      'messages.id NOT NULL: expected NOT NULL, found nullable (closable: rebuild-table)',
      'transitions.id NOT NULL: expected NOT NULL, found nullable (closable: rebuild-table)',
    ]);
    expect(status.outsideSchema).toEqual([executionStatesPlan]);

    const handle = await openDatabase('dipeo', { path, migrate: quiet });
    const adoption = handle.adoption!;
    handle.close();
    expect(adoption.adopted).toBe(true);
    expect(adoption.outsideSchema).toEqual([executionStatesPlan]);
    expect(
      bytesApartFromBackupCounters(readFileSync(adoption.backupPath!)).equals(
        bytesApartFromBackupCounters(original),
      ),
    ).toBe(true);

    const fresh = await freshSchema('dipeo');
    read(path, (db) => {
      const after = snapshotRows(db);
      expect(after.get('executions')?.size).toBe(0);
      after.delete('executions');
      expect(after).toEqual(before.rows);
      expect(indexNames(db, 'executions')).toEqual(EXECUTIONS_INDEXES);
      expect(schemaWithout(db, ['execution_states'])).toEqual(fresh);
      expect(tableDefinition(db, 'execution_states')).toEqual(renamed(before.oldTable));
    });
    expect((await databaseStatus('dipeo', { path })).state).toBe('managed');
  });
});

describe('a table outside the schema in another database', () => {
  it('is kept and listed; its index named like one a later migration creates is renamed, so the migrations after the baseline run', async () => {
    const dir = tempDir();
    const path = buildOriginalDatabase(dir, 'engine', (db) => {
      db.prepare(
        "INSERT INTO sessions (id, role, started_at) VALUES ('sess-1', 'chief', '2026-01-17T09:00:00+00:00')",
      ).run();
      db.prepare(
        "INSERT INTO workers (id, session_id, primitive, status, instructions, created_at, updated_at) VALUES ('w-1', 'sess-1', 'research', 'pending', 'Find flights', '2026-01-17T09:00:00Z', '2026-01-17T09:00:00Z')",
      ).run();
      // The user's own table, with an index whose name migration 0004 gives an index on workers.
      db.exec(`
        CREATE TABLE reading_list (url TEXT PRIMARY KEY, added_at TEXT NOT NULL, note TEXT);
        CREATE INDEX idx_workers_lease ON reading_list(added_at);
        CREATE INDEX idx_reading_list_note ON reading_list(note) WHERE note IS NOT NULL;
        INSERT INTO reading_list VALUES ('https://sqlite.org/lang_altertable.html', '2026-01-16', NULL);
        INSERT INTO reading_list VALUES ('https://sqlite.org/fileformat2.html', '2026-01-17', 'header');
      `);
    });
    const before = read(path, (db) => ({
      rows: snapshotRows(db),
      table: tableDefinition(db, 'reading_list'),
    }));

    const status = await databaseStatus('engine', { path });
    expect(status.state).toBe('adoptable');
    expect(status.baseline).toBe('0002_context_warning_tracking');
    expect(status.differences.length).toBeGreaterThan(0);
    expect(status.differences.filter((d) => !d.includes('(closable: rebuild-table)'))).toEqual([]);
    expect(status.differences.filter((d) => d.includes('reading_list'))).toEqual([]);
    const plan = [
      {
        name: 'reading_list',
        rows: 2,
        renamedIndexes: [
          {
            table: 'reading_list',
            from: 'idx_workers_lease',
            to: 'reading_list_idx_workers_lease',
            neededBy: 'the index on workers',
            sql: 'CREATE INDEX "reading_list_idx_workers_lease" ON reading_list(added_at)',
          },
        ],
      },
    ];
    expect(status.outsideSchema).toEqual(plan);

    const result = await adoptAndMigrate('engine', { path, ...quiet });
    expect(result.adoption?.outsideSchema).toEqual(plan);
    const migrations = loadMigrations('engine');
    expect(result.migration.applied).toEqual(migrations.slice(3).map((m) => m.tag));
    expect(result.migration.applied).toContain('0004_add_worker_leases');

    const fresh = await freshSchema('engine');
    read(path, (db) => {
      const rows = snapshotRows(db);
      expect(rows.get('reading_list')).toEqual(before.rows.get('reading_list'));
      expect(rows.get('sessions')).toEqual(before.rows.get('sessions'));
      expect(schemaWithout(db, ['reading_list'])).toEqual(fresh);
      const table = tableDefinition(db, 'reading_list');
      expect(table.sql).toBe(before.table.sql);
      expect(table.columns).toEqual(before.table.columns);
      const rename = (name: string) =>
        name === 'idx_workers_lease' ? 'reading_list_idx_workers_lease' : name;
      expect(table.indexes).toEqual(
        before.table.indexes
          .map((i) => ({ ...i, name: rename(i.name) }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
      // The partial index the schema does not need is the user's statement, unchanged.
      expect(
        db
          .prepare("SELECT sql FROM sqlite_master WHERE name = 'idx_reading_list_note'")
          .pluck()
          .get(),
      ).toBe('CREATE INDEX idx_reading_list_note ON reading_list(note) WHERE note IS NOT NULL');
    });

    const managed = await databaseStatus('engine', { path });
    expect(managed.state).toBe('managed');
    expect(managed.outsideSchema).toEqual([{ name: 'reading_list', rows: 2, renamedIndexes: [] }]);
  });
});

describe('renameInCreateIndex', () => {
  it.each([
    'CREATE INDEX plain ON t(a)',
    'CREATE UNIQUE INDEX IF NOT EXISTS "quoted ""name""" ON t (a, b DESC)',
    'create index `ticked` on t(b) where b is not null',
    'CREATE INDEX [bracketed] ON "t"(a COLLATE NOCASE)',
    'CREATE INDEX main.qualified ON t(lower(b))',
  ])('gives %s a new name and nothing else', (statement) => {
    const db = new SqliteDatabase(':memory:');
    db.exec('CREATE TABLE t (a INTEGER, b TEXT)');
    db.exec(statement);
    const [stored] = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
      .all() as Array<{ name: string; sql: string }>;
    const definition = (name: string) => ({
      key: db.pragma(`index_xinfo("${name.replace(/"/g, '""')}")`),
      list: (db.pragma('index_list(t)') as Array<{ name: string }>)
        .filter((i) => i.name === name)
        .map(({ name: _name, ...rest }) => rest),
    });
    const before = definition(stored!.name);
    db.exec(renameInCreateIndex(stored!.sql, 'renamed "one"'));
    db.exec(`DROP INDEX "${stored!.name.replace(/"/g, '""')}"`);
    expect(definition('renamed "one"')).toEqual(before);
    db.close();
  });
});
