import { join } from 'node:path';
import { databaseNames, definitionOf } from '@agentstate/schema';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { jobQueue, sessions } from '@agentstate/schema/pokecode';
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { betterSqlite3Of } from '../../src/driver/better-sqlite3.ts';
import { openDatabase } from '../../src/index.ts';
import { pokecodeSql } from '../../src/client/pokecode/statements.ts';
import { rowDecoder, rowEncoder } from '../../src/client/shared/row-codec.ts';
import { indexedBy, insertText, sqlText } from '../../src/client/shared/sql-text.ts';
import { tempDir } from '../helpers/fixtures.ts';

/**
 * The compiled codecs are checked against drizzle itself: on a seeded file of every database, every
 * table's rows decoded by `rowDecoder` are what drizzle's own `select()` returns, and encoding them
 * back stores the same values.
 */
describe('row codecs compiled from the Drizzle columns', () => {
  for (const name of databaseNames) {
    it(`${name}: decode every table's rows as drizzle does, and encode them back unchanged`, async () => {
      const path = join(tempDir(), `${name}.db`);
      const handle = await openDatabase(name, { path, migrate: { log: () => {} } });
      try {
        const sqlite = betterSqlite3Of(handle.sqlite);
        seedDatabase(sqlite, name, { rows: 40, seed: 7 });
        const db = drizzle(sqlite);
        let compared = 0;
        for (const table of definitionOf(name).tables) {
          const tableName = getTableName(table);
          const raw = sqlite.prepare(`SELECT * FROM "${tableName}" ORDER BY rowid`).all() as Array<
            Record<string, unknown>
          >;
          const viaDrizzle = db
            .select()
            .from(table)
            .orderBy(sql`rowid`)
            .all();
          const decode = rowDecoder(table);
          expect(raw.map(decode), tableName).toEqual(viaDrizzle);
          compared += raw.length;

          // Encoded back into an empty copy of the table, every stored value is the same.
          const keys = Object.keys(getTableColumns(table));
          const encode = rowEncoder(table, keys as never[]);
          sqlite.exec(`CREATE TEMP TABLE codec_copy AS SELECT * FROM "${tableName}" WHERE 0`);
          const insert = sqlite.prepare(
            insertText(table, keys as never[]).replace(`"${tableName}"`, 'temp.codec_copy'),
          );
          for (const row of viaDrizzle) insert.run(...encode(row as never));
          const copied = sqlite.prepare('SELECT * FROM temp.codec_copy ORDER BY rowid').all();
          sqlite.exec('DROP TABLE temp.codec_copy');
          expect(copied, tableName).toEqual(raw);
        }
        expect(compared).toBeGreaterThan(0);
      } finally {
        handle.close();
      }
    });
  }

  it('reads NULL and a column the row lacks (a file from before its migration) as null', () => {
    const decode = rowDecoder(jobQueue);
    const row = decode({
      id: 'j',
      session_id: 's',
      prompt_id: 'p',
      provider: 'claude-code',
      status: 'pending',
      data: '{"prompt":"x","projectPath":"/p"}',
      attempts: 0,
      max_attempts: 3,
      created_at: 1_700_000_000,
      started_at: null,
      completed_at: null,
      error: null,
      next_retry_at: null,
    });
    expect(row).toMatchObject({
      data: { prompt: 'x', projectPath: '/p' },
      createdAt: new Date(1_700_000_000_000),
      startedAt: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      progress: null,
    });
  });

  it('refuses a key the table does not have, an unknown index and a value baked into a statement', () => {
    expect(() => rowEncoder(sessions, ['nope' as never])).toThrow('sessions has no column nope');
    expect(() => indexedBy(jobQueue, 'idx_missing')).toThrow(
      'job_queue defines no index idx_missing',
    );
    expect(() => sqlText(sql`SELECT * FROM ${jobQueue} WHERE ${jobQueue.id} = ${'x'}`)).toThrow(
      'interpolates a value',
    );
  });

  it("renders pokecode's statements so that each prepares on a migrated file", async () => {
    const handle = await openDatabase('pokecode', {
      path: join(tempDir(), 'pokecode.db'),
      migrate: { log: () => {} },
    });
    try {
      for (const [key, text] of Object.entries(pokecodeSql)) {
        expect(() => handle.sqlite.prepare(text), key).not.toThrow();
      }
      expect(pokecodeSql.getJob).toBe('SELECT * FROM "job_queue" WHERE "id" = ?');
    } finally {
      handle.close();
    }
  });
});
