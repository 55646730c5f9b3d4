import { atFile, CliError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import { openDatabase, betterSqlite3Of } from '@agentstate/db';
import {
  DatabaseNotEmptyError,
  DEFAULT_SEED_ROWS,
  seedDatabase,
} from '@agentstate/schema/seed-kit';
import { ProgressBar } from '../progress-bar.ts';
import { addDatabaseOptions } from '../databases-option.ts';
import { nonNegativeInteger, positiveInteger, selectedDatabaseFile } from '../user-input.ts';

interface SeedCommandOptions {
  db: string;
  path?: string;
  rows: number;
  seed: number;
  append?: boolean;
}

export function registerSeedCommand(program: Command): void {
  addDatabaseOptions(
    program
      .command('seed')
      .description(
        'Fill a database with realistic, deterministic rows for every table (enums, JSON shapes and ' +
          'references all valid), in one transaction: every row or none (until it commits, the ' +
          'WAL beside the file grows by about the size of the rows). Migrates the file first; ' +
          'refuses a database that already has rows unless --append.',
      ),
    true,
  )
    .option('--rows <n>', 'total rows across all tables', positiveInteger, DEFAULT_SEED_ROWS)
    .option('--seed <n>', 'random seed: the same seed gives the same rows', nonNegativeInteger, 1)
    .option(
      '--append',
      'add rows to a database that already has some, with keys none of its rows has (whatever ' +
        '--seed); settings tables with a fixed set of keys (mcpmaker config, multishot ' +
        'credentials) are left as they are',
    )
    .action(async (options: SeedCommandOptions) => {
      const { name, path } = selectedDatabaseFile(options);
      const handle = await atFile(path, () =>
        openDatabase(name, { path, migrate: { log: () => {} } }),
      );
      const bar = new ProgressBar(`seeding ${name}`, options.rows, 'rows');
      try {
        const started = performance.now();
        const result = seedDatabase(betterSqlite3Of(handle.sqlite), name, {
          rows: options.rows,
          seed: options.seed,
          append: options.append,
          onProgress: (done) => bar.update(done),
        });
        bar.finish();
        const seconds = (performance.now() - started) / 1000;
        const tables = Object.entries(result.tables)
          .map(([table, n]) => `${table} ${n.toLocaleString('en-US')}`)
          .join(', ');
        console.log(
          `seeded ${handle.path}: ${result.total.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s (${tables})`,
        );
      } catch (error) {
        bar.finish();
        if (error instanceof DatabaseNotEmptyError)
          throw new CliError(`${handle.path}: ${error.message}`);
        const message = error instanceof Error ? error.message : String(error);
        throw new CliError(`${handle.path}: seeding failed, nothing was written: ${message}`);
      } finally {
        handle.close();
      }
    });
}
