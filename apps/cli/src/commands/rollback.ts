import { atFile, CliError, UsageError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import {
  BEFORE_FIRST_STEP,
  examineDatabaseFile,
  loadMigrations,
  openConnection,
  readAppliedMigrations,
  readDatabaseFile,
  resolveDatabasePath,
  rollback,
} from '@agentstate/db';
import type { DatabaseName } from '@agentstate/schema';
import { addDatabaseOptions, invocationDir } from '../databases-option.ts';

/**
 * `db:rollback`: reverses the applied steps after `--to` with their down migrations, as the
 * migrator applies steps (backup first, all or nothing); a step that cannot be reversed without
 * losing data refuses, naming the reason and the backup to restore instead.
 */
export function registerRollback(program: Command): void {
  addDatabaseOptions(
    program
      .command('rollback')
      .description(
        'Reverse every applied migration step after --to with its down migration (newest first): ' +
          'backup first, foreign keys checked, all or nothing. A step whose down would lose data ' +
          'refuses and names the pre-migration backup to restore instead.',
      ),
    true,
  )
    .requiredOption(
      '--to <tag>',
      'the step to return to, e.g. 0002_add_job_leases (it stays applied); 0 reverses every step',
    )
    .action(async (options: { db: DatabaseName; path?: string; to: string }) => {
      const name = options.db;
      const migrations = loadMigrations(name);
      if (options.to !== BEFORE_FIRST_STEP && !migrations.some((m) => m.tag === options.to)) {
        throw new UsageError(
          `--to: ${JSON.stringify(options.to)} is not a migration of ${name} (${migrations.map((m) => m.tag).join(', ')}, or 0 for none)`,
        );
      }
      const file = resolveDatabasePath(name, { path: options.path, cwd: invocationDir() });
      if (!examineDatabaseFile(file).exists) throw new CliError(`${file}: does not exist`);
      // Nothing to reverse: said without opening the file for writing.
      const applied = await atFile(file, () =>
        readDatabaseFile(file, (reader) => readAppliedMigrations(reader).length),
      );
      if (applied === 0) throw new CliError(`${file}: has no applied migrations to roll back`);
      const result = await atFile(file, async () => {
        const sqlite = openConnection(file);
        try {
          return await rollback(sqlite, migrations, { to: options.to, log: () => {} });
        } finally {
          sqlite.close();
        }
      });
      console.log(`${name}: ${result.path}`);
      if (result.rolledBack.length === 0) {
        console.log(`  already at ${options.to}: nothing to roll back`);
        return;
      }
      console.log(`  rolled back: ${result.rolledBack.join(', ')}`);
      if (result.backupPath) console.log(`  backup: ${result.backupPath}`);
    });
}
