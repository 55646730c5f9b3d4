import type { Command } from 'commander';
import { adoptAndMigrate, type AdoptAndMigrateResult } from '../../adopt/adopt-and-migrate.ts';
import { AdoptionConflictError, formatOutsideTables } from '../../adopt/report.ts';
import { CliError } from '../cli-error.ts';
import { addDatabaseOptions, invocationDir, selectDatabases } from '../databases-option.ts';

/** `db:migrate`: create, adopt and migrate each database; refusals leave the file untouched. */
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
    const failed: string[] = [];
    let lastError: unknown;
    for (const { name, path } of selected) {
      try {
        const result = await adoptAndMigrate(name, { path, cwd: invocationDir() });
        for (const line of describe(result)) console.log(line);
      } catch (error) {
        failed.push(name);
        lastError = error;
        const message = error instanceof Error ? error.message : String(error);
        console.error(`${name}: ${message}`);
        if (error instanceof AdoptionConflictError) {
          for (const line of error.report) console.error(`  ${line}`);
        }
      }
    }
    if (failed.length === 0) return;
    if (selected.length === 1) {
      const message = lastError instanceof Error ? lastError.message : String(lastError);
      throw new CliError(message);
    }
    throw new CliError(
      `${failed.length} of ${selected.length} databases not migrated (${failed.join(', ')}); the others are up to date`,
    );
  });
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
