import { betterSqlite3Of } from '../../src/driver/better-sqlite3.ts';
import type { SqliteConnection } from '../../src/driver/types.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationsFolder } from '@agentstate/schema/migrations';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as drizzleMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { databaseNames } from '@agentstate/schema';
import { loadMigrations, migrate, openConnection, type Migration } from '../../src/index.ts';
import { measure } from '../lib/measure.ts';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '../lib/types.ts';

const BASELINE = 'drizzle-orm migrate()';
const quiet = { log: () => {} };

const ratio = (ours: number, baseline: number) => baseline / ours;

/**
 * Per database, on real files with agentstate's pragmas, agentstate's migrator beside drizzle-orm's:
 * - migrating a new empty file to the latest schema;
 * - the start-up check of an up-to-date database (what every open pays), with the embedded
 *   migrations a bundled app uses, and again reading the folder each time as drizzle-orm must.
 */
export const migrateSuite: Suite = {
  name: 'migrate',
  description: "agentstate's migrator vs drizzle-orm's migrate() on the same migrations",
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const result: SuiteResult = { comparisons: [], skipped: [] };
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-'));
    try {
      for (const name of databaseNames) {
        const folder = migrationsFolder(name);
        const migrations = loadMigrations(name);
        if (migrations.length === 0 || !existsSync(join(folder, 'meta', '_journal.json'))) {
          result.skipped.push({ name, reason: 'no migrations generated yet' });
          continue;
        }
        result.comparisons.push(...(await fromEmpty(name, folder, migrations, dir, quick)));
        result.comparisons.push(...(await startUpCheck(name, folder, migrations, dir, quick)));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return result;
  },
};

async function fromEmpty(
  name: string,
  folder: string,
  migrations: readonly Migration[],
  dir: string,
  quick: boolean,
): Promise<Comparison[]> {
  let n = 0;
  let sqlite: SqliteConnection | undefined;
  const fresh = () => {
    sqlite?.close();
    sqlite = openConnection(join(dir, `${name}-empty-${n++}.db`));
  };
  const options = { warmup: quick ? 1 : 3, samples: quick ? 2 : 15, setup: fresh };
  const ours = await measure(() => migrate(sqlite!, migrations, quiet), options);
  const theirs = await measure(
    () => drizzleMigrate(drizzle(betterSqlite3Of(sqlite!)), { migrationsFolder: folder }),
    options,
  );
  sqlite?.close();
  return [
    {
      name: `${name}: migrate from empty (${migrations.length} migrations)`,
      unit: 'ms',
      agentstate: ours.medianMs,
      baseline: theirs.medianMs,
      baselineName: BASELINE,
      ratio: ratio(ours.medianMs, theirs.medianMs),
      iterations: ours.iterations,
      note: 'agentstate also runs PRAGMA foreign_key_check after each migration',
    },
  ];
}

async function startUpCheck(
  name: string,
  folder: string,
  migrations: readonly Migration[],
  dir: string,
  quick: boolean,
): Promise<Comparison[]> {
  const sqlite = openConnection(join(dir, `${name}-current.db`));
  await migrate(sqlite, migrations, quiet);
  const db = drizzle(betterSqlite3Of(sqlite));
  const options = quick
    ? { warmup: 2, samples: 2, callsPerSample: 2 }
    : { warmup: 200, samples: 21, callsPerSample: 100 };

  const embedded = await measure(() => migrate(sqlite, migrations, quiet), options);
  const withFolder = await measure(
    () => migrate(sqlite, loadMigrations({ folder }), quiet),
    options,
  );
  const theirs = await measure(() => drizzleMigrate(db, { migrationsFolder: folder }), options);
  sqlite.close();

  const us = (ms: number) => ms * 1000;
  const target = (ms: number) => ({
    description: '< 1000 us and no slower than drizzle-orm',
    met: us(ms) < 1000 && ms <= theirs.medianMs,
  });
  return [
    {
      name: `${name}: start-up check, embedded migrations`,
      unit: 'us',
      agentstate: us(embedded.medianMs),
      baseline: us(theirs.medianMs),
      baselineName: BASELINE,
      ratio: ratio(embedded.medianMs, theirs.medianMs),
      iterations: embedded.iterations,
      target: target(embedded.medianMs),
    },
    {
      name: `${name}: start-up check, reading the folder`,
      unit: 'us',
      agentstate: us(withFolder.medianMs),
      baseline: us(theirs.medianMs),
      baselineName: BASELINE,
      ratio: ratio(withFolder.medianMs, theirs.medianMs),
      iterations: withFolder.iterations,
      target: target(withFolder.medianMs),
      note: 'loadMigrations({ folder }) on every call, as drizzle-orm reads the folder on every call',
    },
  ];
}
