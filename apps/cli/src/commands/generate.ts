import { CliError, UsageError } from '@agentstate/cli-kit';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { runDrizzleKit, writeEmbeddedModule, writeMissingDowns } from '@agentstate/schema/kit';
import type { Command } from 'commander';
import { databaseNameValue } from '../databases-option.ts';
import { makeDataStep } from '../data-step.ts';
import { lintFolder } from '../migration-lint.ts';

/**
 * `db:generate`: drizzle-kit generate for each database (or one), then its embedded copy of the
 * migrations. drizzle-kit exits 0 on a question it cannot ask and on errors; both fail here.
 */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description(
      'Generate SQL migrations with drizzle-kit from the Drizzle schema, for all databases or one, ' +
        "each new step's down migration (drizzle-kit's statements back to the previous schema), " +
        'and refresh the embedded copy of the migrations. Never prompts: a question drizzle-kit ' +
        'would ask (a rename, a data-loss warning) fails the command instead.',
    )
    .option(
      '--db <name>',
      `only this database: one of ${databaseNames.join(', ')}`,
      databaseNameValue,
    )
    .option('--name <name>', 'descriptive migration name, e.g. add_devices (needs --db)')
    .option('--custom', 'create an empty migration for hand-written SQL (needs --db and --name)')
    .option(
      '--data',
      'create a TypeScript data migration: a function run inside the migration, typed with the ' +
        'schema as of that step (needs --db and --name)',
    )
    .action(
      async (options: { db?: DatabaseName; name?: string; custom?: boolean; data?: boolean }) => {
        if ((options.name || options.custom || options.data) && !options.db) {
          throw new UsageError(
            '--name, --custom and --data apply to one database: add --db <name>',
          );
        }
        if ((options.custom || options.data) && !options.name) {
          throw new UsageError(
            `--${options.custom ? 'custom' : 'data'} needs --name to say what the migration does`,
          );
        }
        if (options.custom && options.data) {
          throw new UsageError('--custom and --data are two kinds of step: choose one');
        }
        if (options.name && !/^[a-z0-9_]+$/.test(options.name)) {
          throw new UsageError(
            `--name: ${JSON.stringify(options.name)} must be snake_case (a-z, 0-9, _)`,
          );
        }
        for (const database of options.db ? [options.db] : databaseNames) {
          const args = ['generate'];
          if (options.name) args.push('--name', options.name);
          if (options.custom || options.data) args.push('--custom');
          const result = runDrizzleKit({ database, args });
          process.stdout.write(
            `[${database}] ${result.output.trim().replace(/\n/g, `\n[${database}] `)}\n`,
          );
          if (result.failure) {
            throw new CliError(`${database}: ${result.failure}; nothing more was generated`);
          }
          if (options.data)
            for (const file of await makeDataStep(database))
              console.log(`[${database}] data migration: ${file}`);
          for (const down of writeMissingDowns(database))
            console.log(`[${database}] down migration written to ${down}`);
          console.log(
            `[${database}] embedded migrations written to ${writeEmbeddedModule(database)}`,
          );
          // The step is written either way: its hazards are for its author to acknowledge or change.
          for (const problem of (await lintFolder(database)).problems)
            console.error(`warning: ${problem}`);
        }
      },
    );
}
