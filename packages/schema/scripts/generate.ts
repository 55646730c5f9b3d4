import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { databaseNames, type DatabaseName } from '../src/databases.ts';
import { runDrizzleKit } from './drizzle-kit.ts';
import { embeddedModulePath, renderEmbeddedModule } from './embed.ts';

const program = new Command('db:generate')
  .description(
    'Generate SQL migrations with drizzle-kit from the Drizzle schema, for all databases or one, ' +
      'and refresh the embedded copy of the migrations. Never prompts: a question drizzle-kit ' +
      'would ask (a rename, a data-loss warning) fails the command instead.',
  )
  .addOption(new Option('--db <name>', 'only this database').choices(databaseNames))
  .option('--name <name>', 'descriptive migration name, e.g. add_devices (needs --db)')
  .option('--custom', 'create an empty migration for hand-written SQL (needs --db and --name)')
  .showHelpAfterError()
  .action((options: { db?: DatabaseName; name?: string; custom?: boolean }) => {
    if ((options.name || options.custom) && !options.db) {
      program.error('error: --name and --custom apply to one database: add --db <name>');
    }
    if (options.custom && !options.name) {
      program.error('error: --custom needs --name to say what the hand-written migration does');
    }
    if (options.name && !/^[a-z0-9_]+$/.test(options.name)) {
      program.error(
        `error: --name ${JSON.stringify(options.name)} must be snake_case (a-z, 0-9, _)`,
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
        program.error(`error: ${database}: ${result.failure}; nothing more was generated`, {
          exitCode: 1,
        });
      }
    }
    writeFileSync(embeddedModulePath, renderEmbeddedModule());
    console.log(`embedded migrations written to ${embeddedModulePath}`);
  });

program.parse();
