import type { SqliteConnection } from '../src/driver/types.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdoptionConflictError, adoptAndMigrate, databaseStatus } from '../src/adopt/index.ts';
import { loadMigrations, NewerDatabaseError, type DatabaseName } from '../src/index.ts';
import { recordMigration } from '../src/migrate/migrations-table.ts';
import { tempDir } from './helpers/fixtures.ts';
import { buildOriginalDatabase, sha256File, type OriginalTool } from './helpers/original-tools.ts';

const quiet = { log: () => {} };

/** Runs adoption, expects a refusal, and checks that nothing was written. */
async function expectRefused(
  name: DatabaseName,
  tool: OriginalTool,
  seed: (db: SqliteConnection) => void,
  editDdl?: (ddl: string) => string,
): Promise<AdoptionConflictError> {
  const dir = tempDir();
  const path = buildOriginalDatabase(dir, tool, seed, editDdl);
  const before = sha256File(path);
  const error = await adoptAndMigrate(name, { path, ...quiet }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AdoptionConflictError);
  expect((error as Error).message).toContain(path);
  expect((error as Error).message).toContain('nothing was changed');
  expect(sha256File(path)).toBe(before);
  expect(existsSync(join(dir, 'backups'))).toBe(false);
  expect((await databaseStatus(name, { path })).state).toBe('conflict');
  expect(sha256File(path)).toBe(before);
  return error as AdoptionConflictError;
}

const conflicts = (error: AdoptionConflictError) =>
  error.report.filter((l) => l.includes('(conflict:'));

function mcpmakerRows(db: SqliteConnection, sessions: Array<[string | null, string | null]>): void {
  db.prepare("INSERT INTO workflows (id, name) VALUES ('wf-1', 'Book a table')").run();
  const insert = db.prepare(
    "INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at) VALUES (?, ?, 'x', 'https://example.com/', 1, 2)",
  );
  for (const [id, workflowId] of sessions) insert.run(id, workflowId);
}

describe('adoption refuses, with an exact report and the file byte-identical', () => {
  it('a NULL in a column that must become NOT NULL (an mcpmaker session without id)', async () => {
    const error = await expectRefused('mcpmaker', 'mcpmaker', (db) =>
      mcpmakerRows(db, [
        ['s-1', 'wf-1'],
        [null, 'wf-1'],
      ]),
    );
    expect(conflicts(error)).toEqual([
      'sessions.id NOT NULL: expected NOT NULL, found nullable (conflict: NULL in 1 row (id=NULL))',
    ]);
    expect(error.comparedWith).toBe('0000_initial_schema');
  });

  it('a value without its parent row where agentstate declares a foreign key', async () => {
    const error = await expectRefused('mcpmaker', 'mcpmaker', (db) =>
      mcpmakerRows(db, [
        ['s-1', 'wf-1'],
        ['s-2', 'wf-deleted'],
        ['s-3', null],
      ]),
    );
    expect(conflicts(error)).toEqual([
      'sessions foreign key (workflow_id) -> workflows(id) on update no action on delete no action: ' +
        "expected every value has its parent row, found missing (conflict: no workflows row for 1 row (id='s-2'))",
    ]);
  });

  it('a column of another type (TEXT where agentstate has INTEGER)', async () => {
    const error = await expectRefused(
      'dipeo',
      'dipeo',
      (db) => {
        db.prepare(
          "INSERT INTO transitions (id, execution_id, phase, seq, payload) VALUES ('e:1', 'e', 'node_started', '1', '{}')",
        ).run();
      },
      (ddl) => ddl.replace('seq INTEGER NOT NULL', 'seq TEXT NOT NULL'),
    );
    expect(conflicts(error)).toEqual([
      'transitions.seq type: expected integer, found text (conflict: column of another type (TEXT affinity, expected INTEGER))',
    ]);
  });

  it('rows a missing UNIQUE index would refuse', async () => {
    const error = await expectRefused(
      'dipeo',
      'dipeo',
      (db) => {
        const insert = db.prepare(
          "INSERT INTO transitions (id, execution_id, phase, seq, payload) VALUES (?, 'e', 'node_started', 1, '{}')",
        );
        insert.run('e:1');
        insert.run('e:1-resumed');
      },
      (ddl) => ddl.replace(/CREATE UNIQUE INDEX IF NOT EXISTS ux_exec_seq[^;]*;/, ''),
    );
    expect(conflicts(error)).toEqual([
      "transitions index ux_exec_seq: expected UNIQUE (execution_id, seq), found missing (conflict: duplicate values in 2 rows (id='e:1', id='e:1-resumed'))",
    ]);
  });

  it('the engine as Claude OS really made it (sessions keyed by session_id)', async () => {
    const error = await expectRefused('engine', 'engine-claude-os', (db) => {
      db.prepare(
        "INSERT INTO sessions (session_id, started_at, last_seen_at) VALUES ('5f0c-uuid', '2026-01-17T09:00:00+00:00', '2026-01-17T09:05:00+00:00')",
      ).run();
      db.prepare(
        "INSERT INTO pings (id, session_id, message, created_at) VALUES ('a1b2c3d4', '5f0c-uuid', 'done', '2026-01-17T09:06:00+00:00')",
      ).run();
    });
    const report = conflicts(error);
    expect(report).toContain(
      'sessions.id: expected text NOT NULL PRIMARY KEY, found missing (conflict: 1 existing row has no value for it)',
    );
    expect(report).toContain(
      'sessions.session_id: expected no such column, found text PRIMARY KEY (conflict: the column is not part of the schema; its values would be lost)',
    );
    // No migration of the engine creates mission_executions: a table outside the schema, kept as it
    // is and never a conflict.
    expect(error.report.filter((line) => line.startsWith('mission_executions'))).toEqual([]);
    expect(report).toContain(
      "pings foreign key (session_id) -> sessions(id) on update no action on delete no action: expected every value has its parent row, found missing (conflict: no sessions row for 1 row (id='a1b2c3d4'))",
    );
  });
});

describe('a table outside the schema that cannot be kept as it is', () => {
  it('has rows without their parent: the migrations check every foreign key', async () => {
    const error = await expectRefused('mcpmaker', 'mcpmaker', (db) => {
      mcpmakerRows(db, [['s-1', 'wf-1']]);
      // Written by another program with foreign keys off, as sqlite3's shell has them.
      db.pragma('foreign_keys = OFF');
      db.exec(
        "CREATE TABLE bookmarks (id TEXT PRIMARY KEY, workflow_id TEXT REFERENCES workflows(id)); INSERT INTO bookmarks VALUES ('b-1', 'wf-1'), ('b-2', 'wf-gone'), ('b-3', NULL)",
      );
    });
    expect(conflicts(error)).toEqual([
      "bookmarks foreign key: expected every value has its parent row, found table outside the schema with 3 rows (conflict: no parent row for 1 row (id='b-2'), and the migrations check every foreign key)",
    ]);
  });

  it('has the name the schema gives an index (tables and indexes share one namespace)', async () => {
    const error = await expectRefused(
      'mcpmaker',
      'mcpmaker',
      (db) => mcpmakerRows(db, [['s-1', 'wf-1']]),
      (ddl) =>
        ddl.replace(
          /CREATE INDEX IF NOT EXISTS idx_playback_logs_site[^;]*;/,
          'CREATE TABLE idx_playback_logs_site (note TEXT);',
        ),
    );
    expect(conflicts(error)).toEqual([
      "idx_playback_logs_site: expected no table named idx_playback_logs_site, found table outside the schema with 0 rows (conflict: agentstate's schema gives the name to the index on playback_logs)",
    ]);
  });
});

describe('a migration history mixing agentstate hashes with unknown ones', () => {
  it('stays a newer-database refusal, not an adoption', async () => {
    const dir = tempDir();
    const path = join(dir, 'pokecode.db');
    await adoptAndMigrate('pokecode', { path, ...quiet });
    const { Database: Sqlite } = await import('./helpers/fixtures.ts');
    const db = new Sqlite(path);
    recordMigration(db, { hash: 'f'.repeat(64), when: 1757299084985 });
    db.close();
    const before = sha256File(path);
    expect((await databaseStatus('pokecode', { path })).state).toBe('newer');
    const error = await adoptAndMigrate('pokecode', { path, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NewerDatabaseError);
    expect(sha256File(path)).toBe(before);
    expect(loadMigrations('pokecode').length).toBeGreaterThan(0);
  });
});
