import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { databaseNames, parseRow, type DatabaseName } from '@agentstate/schema';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase, betterSqlite3Of } from '@agentstate/db';
import { databaseTables, tableZodSchemas } from '@agentstate/schema/introspect';
import { freePositions, seedDatabase, SEED_EPOCH_MS } from '@agentstate/schema/seed-kit';
import { definitionOf } from '@agentstate/schema';
import { errorLines, runCli, cliPackageDir } from './helpers/cli.ts';
import { Database, tempDir, snapshotRows } from '@agentstate/db/testing';

/** Tables whose keys are a fixed set of settings: appending leaves them as they are. */
const SETTINGS: Partial<Record<DatabaseName, string>> = {
  mcpmaker: 'config',
  multishot: 'credentials',
};

function counts(sqlite: Database.Database, name: DatabaseName): Record<string, number> {
  return Object.fromEntries(
    databaseTables(name).map(({ name: table }) => [
      table,
      sqlite.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number,
    ]),
  );
}

/** Every row valid by the select and insert schemas, the file sound and referentially intact. */
function expectSound(sqlite: Database.Database, name: DatabaseName): void {
  expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(sqlite.pragma('foreign_key_check')).toEqual([]);
  const db = drizzle(sqlite);
  const schemas = tableZodSchemas(name);
  for (const { table } of databaseTables(name)) {
    const { insert, select } = schemas.get(table)!;
    for (const row of db.select().from(table).all()) {
      parseRow(table, select, row);
      parseRow(table, insert, row);
    }
  }
}

async function migrated(name: DatabaseName, dir = tempDir()) {
  return openDatabase(name, { path: join(dir, `${name}.db`), migrate: { log: () => {} } });
}

describe.each(databaseNames)('appending to %s', (name) => {
  it('twice with the seed it was seeded with adds fresh rows and changes none of the old ones', async () => {
    const handle = await migrated(name);
    try {
      seedDatabase(betterSqlite3Of(handle.sqlite), name, { rows: 1_200, seed: 7 });
      for (let round = 1; round <= 2; round++) {
        const before = counts(betterSqlite3Of(handle.sqlite), name);
        const rows = snapshotRows(betterSqlite3Of(handle.sqlite));
        const result = seedDatabase(betterSqlite3Of(handle.sqlite), name, {
          rows: 1_200,
          seed: 7,
          append: true,
        });
        expect(result.total).toBe(1_200);
        const after = counts(betterSqlite3Of(handle.sqlite), name);
        for (const [table, n] of Object.entries(before)) {
          expect(after[table], `${table} after append ${round}`).toBe(
            n + (result.tables[table] ?? 0),
          );
        }
        const settings = SETTINGS[name];
        if (settings) {
          expect(result.tables[settings]).toBeUndefined();
          expect(after[settings]).toBe(before[settings]);
          expect(before[settings]).toBeGreaterThan(0);
        }
        // Every row that was there is still there, unchanged: no key was reused.
        const now = snapshotRows(betterSqlite3Of(handle.sqlite));
        for (const [table, byKey] of rows) {
          for (const [key, row] of byKey) expect(now.get(table)!.get(key), table).toEqual(row);
        }
      }
      expectSound(betterSqlite3Of(handle.sqlite), name);
    } finally {
      handle.close();
    }
  });
});

describe('seedDatabase --append', () => {
  it("skips keys another seed's rows already hold, whatever the seed", async () => {
    const dir = tempDir();
    // Rows seed 9 would write first, already stored in a file seeded with seed 3.
    const other = await migrated('engine', join(dir));
    seedDatabase(betterSqlite3Of(other.sqlite), 'engine', { rows: 600, seed: 9 });
    other.close();
    const target = await openDatabase('engine', {
      path: join(dir, 'target.db'),
      migrate: { log: () => {} },
    });
    try {
      seedDatabase(betterSqlite3Of(target.sqlite), 'engine', { rows: 600, seed: 3 });
      betterSqlite3Of(target.sqlite).exec(`ATTACH '${join(dir, 'engine.db')}' AS other`);
      betterSqlite3Of(target.sqlite).exec(
        'INSERT INTO sessions SELECT * FROM other.sessions; INSERT INTO contacts SELECT * FROM other.contacts',
      );
      betterSqlite3Of(target.sqlite).exec('DETACH other');
      const before = counts(betterSqlite3Of(target.sqlite), 'engine');
      const result = seedDatabase(betterSqlite3Of(target.sqlite), 'engine', {
        rows: 600,
        seed: 9,
        append: true,
      });
      expect(result.tables.sessions).toBeGreaterThan(0);
      expect(counts(betterSqlite3Of(target.sqlite), 'engine').sessions).toBe(
        before.sessions! + result.tables.sessions!,
      );
      expectSound(betterSqlite3Of(target.sqlite), 'engine');
    } finally {
      target.close();
    }
  });

  it('is all or nothing: a constraint failing in the last table leaves every count as it was', async () => {
    const handle = await migrated('multishot');
    try {
      seedDatabase(betterSqlite3Of(handle.sqlite), 'multishot', { rows: 2_000 });
      // A real UNIQUE index on the appended log lines only (they are dated later): their texts
      // repeat, so it fails once output_logs, written last, is under way.
      const later = new Date(SEED_EPOCH_MS + 365 * 86_400_000);
      betterSqlite3Of(handle.sqlite).exec(
        `CREATE UNIQUE INDEX ux_probe ON output_logs(content) WHERE timestamp > ${SEED_EPOCH_MS}`,
      );
      const before = counts(betterSqlite3Of(handle.sqlite), 'multishot');
      const progress: number[] = [];
      expect(() =>
        seedDatabase(betterSqlite3Of(handle.sqlite), 'multishot', {
          rows: 30_000,
          append: true,
          now: later,
          onProgress: (done) => progress.push(done),
        }),
      ).toThrow(/UNIQUE constraint failed: output_logs\.content/);
      // Runs, rounds and agents were written before the logs failed, and are gone again.
      const plan = definitionOf('multishot').seeder.plan(30_000, true);
      expect(progress.at(-1)).toBe(plan.runs! + plan.rounds! + plan.agents!);
      expect(progress.at(-1)).toBeGreaterThan(0);
      expect(counts(betterSqlite3Of(handle.sqlite), 'multishot')).toEqual(before);
      expect(betterSqlite3Of(handle.sqlite).inTransaction).toBe(false);
      expectSound(betterSqlite3Of(handle.sqlite), 'multishot');
    } finally {
      handle.close();
    }
  });

  it('maps the i-th new key to the i-th position not taken', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 200 }), { maxLength: 60 }),
        fc.nat({ max: 150 }),
        (taken, index) => {
          const free = Array.from({ length: 400 }, (_, p) => p).filter((p) => !taken.includes(p));
          expect(freePositions(taken)(index)).toBe(free[index]);
        },
      ),
    );
  });
});

describe('pnpm db:seed --append', () => {
  const cli = (args: string[], dir: string) => runCli(['seed', ...args], { cwd: dir, home: dir });

  it.each(databaseNames)(
    'with the default seed, twice, on %s: each adds the rows asked for',
    (name) => {
      const dir = tempDir();
      const path = join(dir, `${name}.db`);
      const first = cli(['--db', name, '--path', path, '--rows', '800'], dir);
      expect(first.status, first.stderr).toBe(0);
      let previous = 800;
      for (const round of [1, 2]) {
        const run = cli(['--db', name, '--path', path, '--rows', '800', '--append'], dir);
        expect(run.status, `append ${round}: ${run.stderr}`).toBe(0);
        expect(run.stdout).toMatch(/^seeded .*: 800 rows in /);
        const sqlite = new Database(path, { readonly: true });
        const total = Object.values(counts(sqlite, name)).reduce((a, b) => a + b, 0);
        sqlite.close();
        expect(total).toBe(previous + 800);
        previous = total;
      }
    },
  );

  it('prints one line and writes nothing when the append fails', async () => {
    const dir = tempDir();
    const handle = await migrated('dipeo', dir);
    seedDatabase(betterSqlite3Of(handle.sqlite), 'dipeo', { rows: 1_000 });
    betterSqlite3Of(handle.sqlite).exec(
      "CREATE TRIGGER fail_messages BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const before = counts(betterSqlite3Of(handle.sqlite), 'dipeo');
    handle.close();
    const path = join(dir, 'dipeo.db');
    const run = cli(['--db', 'dipeo', '--path', path, '--rows', '30000', '--append'], dir);
    expect(run.status).toBe(1);
    expect(errorLines(run)).toEqual([
      `error: ${path}: seeding failed, nothing was written: disk full`,
    ]);
    const sqlite = new Database(path, { readonly: true });
    expect(counts(sqlite, 'dipeo')).toEqual(before);
    sqlite.close();
  });

  it('killed with SIGKILL mid-append leaves every count as it was', async () => {
    const dir = tempDir();
    const handle = await migrated('pokecode', dir);
    seedDatabase(betterSqlite3Of(handle.sqlite), 'pokecode', { rows: 2_000 });
    const before = counts(betterSqlite3Of(handle.sqlite), 'pokecode');
    handle.close();
    const path = join(dir, 'pokecode.db');

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main.ts',
        'seed',
        '--db',
        'pokecode',
        '--path',
        path,
        '--rows',
        '400000',
        '--append',
      ],
      { cwd: cliPackageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    // Killed once a fifth of the rows are written (the bar prints a line every 10% off a terminal).
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const percents = [...stderr.matchAll(/(\d+)% /g)].map((m) => Number(m[1]));
        if (percents.some((p) => p >= 20 && p < 100)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`seed exited (${code}) first: ${stderr}`)));
    });
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0); // the rows so far are in the WAL
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const sqlite = new Database(path);
    try {
      expect(counts(sqlite, 'pokecode')).toEqual(before);
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      sqlite.close();
    }
  });
});
