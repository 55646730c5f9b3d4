import type { Command } from 'commander';
import { restoreDatabase } from '@agentstate/db';
import { addDatabaseOptions } from '../databases-option.ts';
import { progressLine } from '../progress-bar.ts';
import { selectedDatabaseFile, userPath } from '../user-input.ts';

export function registerRestoreCommand(program: Command): void {
  addDatabaseOptions(
    program
      .command('restore')
      .description(
        'Replace a database file with a verified backup of that database (its migration history ' +
          'and tables). Refuses anything else, changing nothing: an empty, corrupt or non-SQLite file, ' +
          "another database's backup, a file an original tool made (db:migrate --path adopts those), " +
          'a backup from a newer schema, the database file itself. Keeps the current file aside as ' +
          '<file>.before-restore-<time>.',
      ),
    true,
  )
    .requiredOption('--from <backup>', 'the backup file to restore')
    .action(async (options: { db?: string; path?: string; from: string }) => {
      const { name, path } = selectedDatabaseFile(options);
      const from = userPath(options.from);
      progressLine(`verifying ${from} …`);
      const report = await restoreDatabase(name, path, from);
      const rows = Object.values(report.counts).reduce((a, b) => a + b, 0);
      console.log(
        `restored ${report.path} from ${from}: ${rows.toLocaleString('en-US')} rows, integrity ok`,
      );
      if (report.asidePath) console.log(`the previous file is kept at ${report.asidePath}`);
      if (report.pendingMigrations.length > 0) {
        console.log(
          `the backup predates ${report.pendingMigrations.length} migration(s); the next open (or pnpm db:migrate) applies them`,
        );
      }
    });
}
