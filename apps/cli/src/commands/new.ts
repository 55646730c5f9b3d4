import { relative } from 'node:path';
import { CliError, UsageError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import { invocationDir } from '../databases-option.ts';
import { DATABASE_NAME, NewDatabaseError, scaffoldDatabase } from '../scaffold/new-database.ts';

/** `db:new <name>`: a new database's folder, registered; every command works for it after it. */
export function registerNew(program: Command): void {
  program
    .command('new')
    .description(
      'Add a database: packages/schema/src/<name>/ with a sample table (an enum and a JSON column), ' +
        'its constants, shapes, relations, row schemas, seeder and definition, registered in the ' +
        'registry. Then: pnpm db:generate --db <name> --name initial_schema.',
    )
    .argument('<name>', 'lower-case letters, digits and _ (folder, --db and env var name)')
    .action((name: string) => {
      if (!DATABASE_NAME.test(name)) {
        throw new UsageError(
          `<name>: ${JSON.stringify(name)} is not a database name (lower-case letters, digits and _, starting with a letter)`,
        );
      }
      let files: string[];
      try {
        files = scaffoldDatabase(name);
      } catch (error) {
        if (error instanceof NewDatabaseError) throw new CliError(error.message);
        throw error;
      }
      for (const file of files) console.log(`wrote ${relative(invocationDir(), file) || file}`);
      console.log(
        `next: pnpm db:generate --db ${name} --name initial_schema, then pnpm db:migrate --db ${name}`,
      );
    });
}
