import { relative } from 'node:path';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { CliError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import { defaultDocsDir, docsPath, staleSchemaDocs, writeSchemaDocs } from '../docs/docs-files.ts';
import { databaseNameValue, invocationDir } from '../databases-option.ts';

export function registerDocsCommand(program: Command): void {
  program
    .command('docs')
    .description(
      'Write docs/schema/<database>.md from the Drizzle definitions: tables, columns, keys, ' +
        'indexes, enum values, JSON shapes and an ER diagram.',
    )
    .option(
      '--db <name>',
      `only this database: one of ${databaseNames.join(', ')}`,
      databaseNameValue,
    )
    .option('--check', 'write nothing; fail when a document is missing or stale')
    .action((options: { db?: DatabaseName; check?: boolean }) => {
      const names = options.db ? [options.db] : databaseNames;
      const show = (path: string) => relative(invocationDir(), path) || path;
      if (options.check) {
        const stale = staleSchemaDocs(names);
        if (stale.length > 0) {
          throw new CliError(
            `schema docs are stale: ${stale.map((name) => show(docsPath(name))).join(', ')}; run \`pnpm db:docs\``,
          );
        }
        console.log(`schema docs are up to date (${show(defaultDocsDir())})`);
        return;
      }
      const changed = writeSchemaDocs(names);
      for (const path of changed) console.log(`wrote ${show(path)}`);
      if (changed.length === 0)
        console.log(`schema docs already up to date (${show(defaultDocsDir())})`);
    });
}
