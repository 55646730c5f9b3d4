import { atFile, CliError, reportError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import {
  adoptAndMigrate,
  type AdoptAndMigrateResult,
  AdoptionConflictError,
  formatOutsideTables,
  resolveDatabasePath,
} from '@agentstate/db';
import type { DatabaseName } from '@agentstate/schema';
import { addDatabaseOptions, invocationDir, selectDatabases } from '../databases-option.ts';

/**
 * `db:migrate`: create, adopt and migrate each database; refusals leave the file untouched. Each
 * failure is one error line on stderr (an adoption's difference report goes to stdout, under the
 * database's name); with several databases the others are still migrated.
 */
export function registerMigrate(program: Command): void {
  addDatabaseOptions(
    program
      .command('migrate')
      .description(
        'Create, adopt (databases the original tools made) and migrate the databases, with a backup before any change.',
      ),
    false,
  ).action(async (options: { db?: string; path?: string }) => {
    const selected = selectDatabases(options);
    if (selected.length === 1) {
      const [{ name, path }] = selected as [(typeof selected)[number]];
      await migrateOne(name, path);
      return;
    }
    const failed: string[] = [];
    for (const { name, path } of selected) {
      try {
        await migrateOne(name, path);
      } catch (error) {
        failed.push(name);
        reportError(error);
      }
    }
    if (failed.length > 0) {
      throw new CliError(
        `${failed.length} of ${selected.length} databases not migrated (${failed.join(', ')}); the others are up to date`,
      );
    }
  });
}

async function migrateOne(name: DatabaseName, path: string | undefined): Promise<void> {
  const file = resolveDatabasePath(name, { path, cwd: invocationDir() });
  try {
    const result = await atFile(file, () => adoptAndMigrate(name, { path: file }));
    for (const line of describe(result)) console.log(line);
  } catch (error) {
    // Its difference report follows on stdout, under the database like any other result.
    if (error instanceof AdoptionConflictError) console.log(`${name}: ${file}`);
    throw error;
  }
}

function describe(result: AdoptAndMigrateResult): string[] {
  const lines = [`${result.name}: ${result.path}`];
  const { adoption, migration } = result;
  if (adoption?.adopted) {
    lines.push(
      `  adopted at ${adoption.baseline}: ${adoption.closed.length} difference(s) closed without changing a row` +
        (adoption.foreignHistory.length > 0
          ? `; ${adoption.foreignHistory.length} migration row(s) of the original tool kept in __agentstate_adopted_migrations`
          : ''),
    );
    for (const d of adoption.closed) lines.push(`    ${d.subject}: ${d.found} -> ${d.expected}`);
    for (const line of formatOutsideTables(adoption.outsideSchema)) lines.push(`    ${line}`);
    if (adoption.backupPath) lines.push(`  backup: ${adoption.backupPath}`);
  }
  if (migration.applied.length > 0) {
    if (result.stateBefore === 'new') lines.push('  created');
    lines.push(`  applied: ${migration.applied.join(', ')}`);
    if (migration.backupPath) lines.push(`  backup: ${migration.backupPath}`);
  } else if (!adoption?.adopted) {
    lines.push('  up to date');
  }
  return lines;
}
