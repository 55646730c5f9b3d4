import { atFile, CliError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import {
  backupPathFor,
  createBackup,
  defaultBackupDir,
  readAppliedMigrations,
  assertWritable,
  examineDatabaseFile,
  ensureDatabaseFile,
  MEMORY_PATH,
  resolveDatabasePath,
  readDatabaseFile,
} from '@agentstate/db';
import { addDatabaseOptions, invocationDir, selectDatabases } from '../databases-option.ts';
import { drizzleKitPush } from '../drizzle-kit-push.ts';

/**
 * `db:push`: drizzle-kit push, for prototyping on a development database. It changes the schema
 * with no migration and no transaction, so a database with a migration history is refused unless
 * --force, and every push is preceded by a backup.
 */
export function registerPush(program: Command): void {
  addDatabaseOptions(
    program
      .command('push')
      .description(
        'Push the schema to a development database with drizzle-kit push (no migration). Backs up first; refuses a database with migration history unless --force.',
      ),
    true,
  )
    .option('--force', 'push even though the database has a migration history')
    .action(async (options: { db: string; path?: string; force?: boolean }) => {
      const [{ name, path: given }] = selectDatabases(options) as [
        ReturnType<typeof selectDatabases>[number],
      ];
      const path = resolveDatabasePath(name, { path: given, cwd: invocationDir() });
      if (path === MEMORY_PATH)
        throw new CliError('cannot push to :memory:; give a file with --path');

      // Read-only checks first: a file that is not a database, or that cannot be written, is refused
      // before the backup or drizzle-kit touch anything.
      const file = examineDatabaseFile(path);
      assertWritable(file);
      let backupPath: string | undefined;
      if (file.bytes > 0) {
        const backupTo = backupPathFor(path, defaultBackupDir(path), 'push');
        backupPath = await atFile(path, () =>
          readDatabaseFile(path, async (reader) => {
            const history = readAppliedMigrations(reader);
            if (history.length > 0 && !options.force) {
              throw new CliError(
                `${path} has a migration history (${history.length} migration(s) recorded); push would change ` +
                  'its schema outside it. Use pnpm db:generate and pnpm db:migrate, or --force on a development copy',
              );
            }
            return createBackup(reader, backupTo);
          }),
        );
        console.log(`${name}: backed up ${path} to ${backupPath}`);
      }

      ensureDatabaseFile(path); // a new file gets the same private folder and mode as openDatabase's
      const outcome = drizzleKitPush(name, path);
      if (outcome.failure) {
        process.stdout.write(outcome.output.trimEnd() + '\n'); // what drizzle-kit said; the error line follows
        // drizzle-kit push runs its statements without a transaction: a failure can leave them half done.
        const restore =
          backupPath && !outcome.stoppedAtPrompt
            ? `; if ${path} was changed half-way, restore the backup: stop every process using it, copy ` +
              `${backupPath} to ${path} and delete ${path}-wal and ${path}-shm`
            : '';
        throw new CliError(`${name}: ${outcome.failure}${restore}`);
      }
      console.log(
        `${name}: ${/No changes detected/.test(outcome.output) ? 'no changes to push' : 'schema pushed'} to ${path}`,
      );
    });
}
