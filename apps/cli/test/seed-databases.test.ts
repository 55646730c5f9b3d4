import { cliPackageDir } from './helpers/cli.ts';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { databaseNames, parseRow, type DatabaseName } from '@agentstate/schema';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle, betterSqlite3Of } from '@agentstate/db';
import { databaseTables, tableZodSchemas } from '@agentstate/schema/introspect';
import { DatabaseNotEmptyError, seedDatabase } from '@agentstate/schema/seed-kit';
import { tempDir } from '@agentstate/db/testing';

const ROWS = 1_500;

async function seeded(name: DatabaseName, options: Parameters<typeof seedDatabase>[2] = {}) {
  const handle = await openDatabase(name, {
    path: join(tempDir(), `${name}.db`),
    migrate: { log: () => {} },
  });
  const result = seedDatabase(betterSqlite3Of(handle.sqlite), name, { rows: ROWS, ...options });
  return { handle, result };
}

/** Every row of every table, in primary-key order, as SQLite stores it. */
function dump(handle: DatabaseHandle, name: DatabaseName) {
  return databaseTables(name).map(({ name: table }) =>
    betterSqlite3Of(handle.sqlite).prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw().all(),
  );
}

describe.each(databaseNames)('seeding %s', (name) => {
  it('writes exactly the rows asked for, sound, referentially intact and valid by the zod schemas', async () => {
    const { handle, result } = await seeded(name);
    try {
      expect(result.total).toBe(ROWS);
      expect(Object.values(result.tables).reduce((a, b) => a + b, 0)).toBe(ROWS);
      expect(betterSqlite3Of(handle.sqlite).pragma('integrity_check', { simple: true })).toBe('ok');
      expect(betterSqlite3Of(handle.sqlite).pragma('foreign_key_check')).toEqual([]);

      // Every row read back through drizzle (JSON parsed, timestamps as Dates) must pass both
      // the select and the insert schema: enums, JSON shapes and refinements included.
      const db = drizzle(betterSqlite3Of(handle.sqlite));
      const schemas = tableZodSchemas(name);
      for (const { table, name: tableName } of databaseTables(name)) {
        const rows = db.select().from(table).all();
        expect(rows.length, tableName).toBe(result.tables[tableName] ?? 0);
        const { insert, select } = schemas.get(table)!;
        for (const row of rows) {
          parseRow(table, select, row);
          parseRow(table, insert, row);
        }
      }
    } finally {
      handle.close();
    }
  });
});

describe('seedDatabase', () => {
  it('is deterministic: the same seed gives identical rows, another seed different ones', async () => {
    const a = await seeded('pokecode', { seed: 7 });
    const b = await seeded('pokecode', { seed: 7 });
    const c = await seeded('pokecode', { seed: 8 });
    try {
      expect(dump(b.handle, 'pokecode')).toEqual(dump(a.handle, 'pokecode'));
      expect(dump(c.handle, 'pokecode')).not.toEqual(dump(a.handle, 'pokecode'));
    } finally {
      for (const s of [a, b, c]) s.handle.close();
    }
  });

  it('fills circular references in a second pass (multishot runs and rounds)', async () => {
    const { handle } = await seeded('multishot');
    try {
      const runsWithoutRound = betterSqlite3Of(handle.sqlite)
        .prepare(
          'SELECT count(*) FROM runs WHERE current_round_id IS NULL AND id IN (SELECT run_id FROM rounds)',
        )
        .pluck()
        .get();
      expect(runsWithoutRound).toBe(0);
      const completedWithoutWinner = betterSqlite3Of(handle.sqlite)
        .prepare(
          "SELECT count(*) FROM rounds WHERE status = 'completed' AND winner_agent_id IS NULL",
        )
        .pluck()
        .get();
      expect(completedWithoutWinner).toBe(0);
      // The winner is one of the round's own agents, marked selected.
      const wrongWinner = betterSqlite3Of(handle.sqlite)
        .prepare(
          "SELECT count(*) FROM rounds r JOIN agents a ON a.id = r.winner_agent_id WHERE a.round_id != r.id OR a.status != 'selected'",
        )
        .pluck()
        .get();
      expect(wrongWinner).toBe(0);
    } finally {
      handle.close();
    }
  });

  it('keeps counters consistent with the rows they count (pokecode sessions.message_count)', async () => {
    const { handle } = await seeded('pokecode');
    try {
      const mismatched = betterSqlite3Of(handle.sqlite)
        .prepare(
          'SELECT count(*) FROM sessions s WHERE message_count != (SELECT count(*) FROM session_messages m WHERE m.session_id = s.id)',
        )
        .pluck()
        .get();
      expect(mismatched).toBe(0);
    } finally {
      handle.close();
    }
  });

  it('refuses a database that already has rows unless appending, and writes nothing', async () => {
    const { handle } = await seeded('engine', { seed: 1 });
    try {
      const before = dump(handle, 'engine');
      expect(() => seedDatabase(betterSqlite3Of(handle.sqlite), 'engine', { rows: 100 })).toThrow(
        DatabaseNotEmptyError,
      );
      expect(dump(handle, 'engine')).toEqual(before);
      const appended = seedDatabase(betterSqlite3Of(handle.sqlite), 'engine', {
        rows: 100,
        seed: 2,
        append: true,
      });
      expect(appended.total).toBe(100);
      expect(betterSqlite3Of(handle.sqlite).pragma('foreign_key_check')).toEqual([]);
    } finally {
      handle.close();
    }
  });

  it('leaves a database that was empty empty when writing fails', async () => {
    const handle = await openDatabase('dipeo', {
      path: join(tempDir(), 'dipeo.db'),
      migrate: { log: () => {} },
    });
    try {
      // Messages are written last: executions and transitions are committed by then.
      betterSqlite3Of(handle.sqlite).exec(
        "CREATE TRIGGER fail_messages BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      );
      expect(() => seedDatabase(betterSqlite3Of(handle.sqlite), 'dipeo', { rows: 30_000 })).toThrow(
        'disk full',
      );
      for (const table of ['executions', 'transitions', 'messages']) {
        expect(
          betterSqlite3Of(handle.sqlite).prepare(`SELECT count(*) FROM ${table}`).pluck().get(),
          table,
        ).toBe(0);
      }
    } finally {
      handle.close();
    }
  });
});

describe('pnpm db:seed', () => {
  const cli = (args: string[]) =>
    spawnSync(join('node_modules', '.bin', 'tsx'), ['src/main.ts', 'seed', ...args], {
      cwd: cliPackageDir,
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: undefined },
    });

  it('seeds a file, then refuses it with one error line and a non-zero exit', () => {
    const path = join(tempDir(), 'p.db');
    const first = cli(['--db', 'pokecode', '--path', path, '--rows', '500', '--seed', '3']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/seeded .*p\.db: 500 rows/);
    expect(first.stderr).toContain('100%');
    const again = cli(['--db', 'pokecode', '--path', path, '--rows', '500']);
    expect(again.status).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: .*already has rows.*--append/),
    ]);
  });

  it('rejects bad input before writing', () => {
    const bad = cli(['--db', 'pokecode', '--path', join(tempDir(), 'x.db'), '--rows', 'lots']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim()).toBe('error: --rows: expected a whole number ≥ 1, got "lots"');
  });
});
