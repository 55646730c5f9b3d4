import { writeFileSync } from 'node:fs';
import { CliError, optionValue, runProgram, UsageError } from '@agentstate/cli';
import { Command } from 'commander';
import { databaseNames, parseDatabaseName, type DatabaseName } from '../src/databases.ts';
import { runDrizzleKit } from './drizzle-kit.ts';
import { embeddedModulePath, renderEmbeddedModule } from './embed.ts';

const program = new Command('db:generate')
  .description(
    'Generate SQL migrations with drizzle-kit from the Drizzle schema, for all databases or one, ' +
      'and refresh the embedded copy of the migrations. Never prompts: a question drizzle-kit ' +
      'would ask (a rename, a data-loss warning) fails the command instead.',
  )
  .option(
    '--db <name>',
    `only this database: one of ${databaseNames.join(', ')}`,
    optionValue(parseDatabaseName),
  )
  .option('--name <name>', 'descriptive migration name, e.g. add_devices (needs --db)')
  .option('--custom', 'create an empty migration for hand-written SQL (needs --db and --name)')
  .action((options: { db?: DatabaseName; name?: string; custom?: boolean }) => {
    if ((options.name || options.custom) && !options.db) {
      throw new UsageError('--name and --custom apply to one database: add --db <name>');
    }
    if (options.custom && !options.name) {
      throw new UsageError('--custom needs --name to say what the hand-written migration does');
    }
    if (options.name && !/^[a-z0-9_]+$/.test(options.name)) {
      throw new UsageError(
        `--name: ${JSON.stringify(options.name)} must be snake_case (a-z, 0-9, _)`,
      );
    }
    const targets = options.db ? [options.db] : databaseNames;
    for (const database of targets) {
      const args = ['generate'];
      if (options.name) args.push('--name', options.name);
      if (options.custom) args.push('--custom');
      const result = runDrizzleKit(database, args);
      process.stdout.write(
        `[${database}] ${result.output.trim().replace(/\n/g, `\n[${database}] `)}\n`,
      );
      if (result.failure) {
        throw new CliError(`${database}: ${result.failure}; nothing more was generated`);
      }
    }
    writeFileSync(embeddedModulePath, renderEmbeddedModule());
    console.log(`embedded migrations written to ${embeddedModulePath}`);
  });

await runProgram(program);
