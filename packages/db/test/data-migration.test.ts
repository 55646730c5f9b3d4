import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import { join } from 'node:path';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { defineDataMigration, DATA_STEP_MARKER } from '@agentstate/schema/data-migration';
import { isNull, sql } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { stepHash } from '@agentstate/schema/kit';
import {
  EditedMigrationError,
  loadMigrations,
  migrate,
  MigrationFailedError,
  openConnection,
  openDatabase,
  planMigrations,
  readAppliedMigrations,
  rollback,
  type Migration,
} from '../src/index.ts';
import { createHash } from 'node:crypto';
import { readLiveSchema } from '../src/adopt/live-schema.ts';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { tempDir } from './helpers/fixtures.ts';
import { comparableSchema, snapshotRows } from './helpers/original-tools.ts';

const quiet = { log: () => {}, backup: false as const };

/** pokecode's sessions as of the steps below: what a data step's `<tag>.schema.ts` holds. */
const schemaThen = {
  sessions: sqliteTable('sessions', {
    id: text().primaryKey().notNull(),
    name: text().notNull(),
    nickname: text(),
  }),
};

function step(idx: number, tag: string, when: number, sql: string, data?: Migration['data']) {
  return {
    idx,
    tag,
    when,
    breakpoints: true,
    sql,
    hash: hashMigration(sql),
    ...(data && { data }),
  } satisfies Migration;
}

async function seeded() {
  const path = join(tempDir(), 'pokecode.db');
  const handle = await openDatabase('pokecode', { path, migrate: quiet });
  seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', { rows: 300, seed: 2 });
  handle.close();
  const current = loadMigrations('pokecode');
  const last = current.at(-1)!;
  const addColumn = step(
    current.length,
    '9000_add_nickname',
    last.when + 1,
    'ALTER TABLE `sessions` ADD `nickname` text;',
  );
  const marker = `${DATA_STEP_MARKER} 9001_backfill_nickname.ts\n`;
  const backfill = (run: Parameters<typeof defineDataMigration<typeof schemaThen>>[1]) =>
    step(
      current.length + 1,
      '9001_backfill_nickname',
      last.when + 2,
      marker,
      defineDataMigration(schemaThen, run),
    );
  return { path, current, addColumn, backfill };
}

describe('TypeScript data migrations', () => {
  it('backfill a column inside the migration, typed with the schema as of the step, recorded like any step', async () => {
    const { path, current, addColumn, backfill } = await seeded();
    const sqlite = openConnection(path);
    const sessions = sqlite.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
    expect(sessions).toBeGreaterThan(0);
    const data = backfill((db) => {
      db.update(schemaThen.sessions)
        .set({ nickname: sql`upper(${schemaThen.sessions.name})` })
        .where(isNull(schemaThen.sessions.nickname))
        .run();
      return undefined;
    });
    const result = await migrate(sqlite, [...current, addColumn, data], quiet);
    expect(result.applied).toEqual(['9000_add_nickname', '9001_backfill_nickname']);
    expect(
      sqlite.prepare('SELECT count(*) FROM sessions WHERE nickname = upper(name)').pluck().get(),
    ).toBe(sessions);
    // The row drizzle-orm's migrator writes and reads: sha256 of the step's SQL file, its journal time.
    const rows = sqlite.prepare('SELECT id, hash, created_at FROM __drizzle_migrations').all();
    expect(rows.at(-1)).toEqual({ id: null, hash: hashMigration(data.sql), created_at: data.when });
    expect(readAppliedMigrations(sqlite)).toHaveLength(current.length + 2);
    sqlite.close();
  });

  it('one that throws leaves nothing changed: its rows, the column added before it, the history', async () => {
    const { path, current, addColumn, backfill } = await seeded();
    const sqlite = openConnection(path);
    const rows = snapshotRows(sqlite);
    const schema = comparableSchema(readLiveSchema(sqlite));
    const failing = backfill((db) => {
      db.update(schemaThen.sessions).set({ nickname: 'half-done' }).run();
      throw new Error('the backfill found a session it cannot name');
    });
    const error = await migrate(sqlite, [...current, addColumn, failing], quiet).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toContain(
      'migration 9001_backfill_nickname failed: the backfill found a session it cannot name',
    );
    expect(snapshotRows(sqlite)).toEqual(rows);
    expect(comparableSchema(readLiveSchema(sqlite))).toEqual(schema);
    expect(readAppliedMigrations(sqlite)).toHaveLength(current.length);
    sqlite.close();
  });

  it('is refused, not recorded, when its function is not loaded (migrations read from a folder)', async () => {
    const { path, current, addColumn, backfill } = await seeded();
    const { data: _data, ...unloaded } = backfill(() => undefined);
    const sqlite = openConnection(path);
    await expect(migrate(sqlite, [...current, addColumn, unloaded], quiet)).rejects.toThrow(
      /9001_backfill_nickname is a TypeScript data migration and its function is not loaded/,
    );
    expect(readAppliedMigrations(sqlite)).toHaveLength(current.length);
    sqlite.close();
  });

  it('refuses an async function, rolling back what it did before its first await', async () => {
    const { path, current, addColumn } = await seeded();
    const sqlite = openConnection(path);
    const rows = snapshotRows(sqlite);
    const last = current.at(-1)!;
    const marker = `${DATA_STEP_MARKER} 9001_async.ts\n`;
    const asyncStep = step(
      current.length + 1,
      '9001_async',
      last.when + 2,
      marker,
      // A type error; forced here to check the run-time guard too.
      defineDataMigration(schemaThen, (async (db: { run: (q: unknown) => void }) => {
        db.run(sql`UPDATE sessions SET name = 'changed'`);
        await Promise.resolve();
      }) as never),
    );
    await expect(migrate(sqlite, [...current, addColumn, asyncStep], quiet)).rejects.toThrow(
      'a data migration must be synchronous',
    );
    expect(snapshotRows(sqlite)).toEqual(rows);
    sqlite.close();
  });
});

describe("a data step's hash covers its TypeScript source", () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const backfillSource = 'export default defineDataMigration(schema, (db) => { /* v1 */ });\n';
  const run = (db: Parameters<Parameters<typeof defineDataMigration<typeof schemaThen>>[1]>[0]) => {
    db.update(schemaThen.sessions)
      .set({ nickname: sql`upper(${schemaThen.sessions.name})` })
      .run();
    return undefined;
  };
  /** The backfill step as the embedded copy carries it when its `<tag>.ts` is `source`. */
  const withSource = (data: Migration, source: string): Migration => {
    const sourceHash = sha256(source);
    return { ...data, sourceHash, hash: stepHash(data.sql, sourceHash), down: '-- rows only\n' };
  };

  it('is recorded with the step; the same step with its function edited is an edited step, refused', async () => {
    const { path, current, addColumn, backfill } = await seeded();
    const v1 = withSource(backfill(run), backfillSource);
    const sqlite = openConnection(path);
    await migrate(sqlite, [...current, addColumn, v1], quiet);
    const rows = sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations').all();
    expect(rows.at(-1)).toEqual({ hash: v1.hash, created_at: v1.when });
    expect(v1.hash).not.toBe(hashMigration(v1.sql));

    const v2 = withSource(backfill(run), backfillSource.replace('v1', 'v2'));
    const plan = planMigrations(sqlite, [...current, addColumn, v2]);
    expect(plan.edited.map((e) => e.tag)).toEqual([v2.tag]);
    await expect(migrate(sqlite, [...current, addColumn, v2], quiet)).rejects.toBeInstanceOf(
      EditedMigrationError,
    );
    sqlite.close();
  });

  it('a file that recorded the step before its source was hashed is accepted as applied; rollback forgets that row', async () => {
    const { path, current, addColumn, backfill } = await seeded();
    const sqlite = openConnection(path);
    // Applied as before: the hash of its marker SQL alone (what drizzle-orm's migrator records too).
    const old = { ...backfill(run), down: '-- rows only\n' };
    await migrate(sqlite, [...current, addColumn, old], quiet);
    expect(readAppliedMigrations(sqlite).at(-1)?.hash).toBe(hashMigration(old.sql));

    const now = withSource(backfill(run), backfillSource);
    const history = [
      ...current,
      { ...addColumn, down: 'ALTER TABLE `sessions` DROP COLUMN `nickname`;' },
      now,
    ];
    const plan = planMigrations(sqlite, history);
    expect(plan).toMatchObject({ pending: [], edited: [], unknown: [] });
    expect(plan.applied.at(-1)?.tag).toBe(now.tag);
    expect((await migrate(sqlite, history, quiet)).applied).toEqual([]);

    const recorded = readAppliedMigrations(sqlite).length;
    const result = await rollback(sqlite, history, {
      to: addColumn.tag,
      backup: false,
      log: () => {},
    });
    expect(result.rolledBack).toEqual([now.tag]);
    expect(readAppliedMigrations(sqlite)).toHaveLength(recorded - 1);
    expect(planMigrations(sqlite, history).pending.map((m) => m.tag)).toEqual([now.tag]);
    sqlite.close();
  });
});
