import { atFile, CliError, reportError, UsageError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import {
  adoptAndMigrate,
  migrateLibsqlUrl,
  NO_BACKUP_NOTE,
  type AdoptAndMigrateResult,
  AdoptionConflictError,
  DriftError,
  dryRunMigrations,
  type DryRunReport,
  formatFinding,
  formatOutsideTables,
  resolveDatabasePath,
} from '@agentstate/db';
import type { DatabaseName } from '@agentstate/schema';
import { changedDataSteps } from '../changed-data-steps.ts';
import { addDatabaseOptions, invocationDir, selectDatabases } from '../databases-option.ts';
import {
  addLibsqlOptions,
  atServer,
  libsqlTarget,
  type LibsqlOptionValues,
} from '../libsql-option.ts';

/**
 * `db:migrate`: create, adopt and migrate each database; refusals leave the file untouched. Each
 * failure is one error line on stderr (an adoption's difference report goes to stdout, under the
 * database's name); with several databases the others are still migrated.
 */
export function registerMigrate(program: Command): void {
  addDatabaseOptions(
    addLibsqlOptions(program.command('migrate'))
      .description(
        'Create, adopt (databases the original tools made) and migrate the databases, with a backup before any change.',
      )
      .option(
        '--dry-run',
        'rehearse on a temporary copy of each file: rows per table before and after each step, ' +
          'its time and lint findings; the file itself is not changed',
      )
      .option(
        '--accept-drift',
        'migrate a file whose schema differs from what its applied migrations produce ' +
          '(db:status shows the difference), keeping the difference',
      ),
    false,
  ).action(async (options: LibsqlOptionValues & { dryRun?: boolean; acceptDrift?: boolean }) => {
    const target = libsqlTarget(options);
    if (target && 'url' in target) {
      if (options.dryRun) {
        throw new UsageError(
          '--dry-run rehearses on a copy of a file, and a libSQL server has none to copy: ' +
            'rehearse on a dump of it loaded into a file (--path)',
        );
      }
      refuseChangedDataSteps(target.name);
      await migrateServer(target.name, target.url, target.authToken, options.acceptDrift ?? false);
      return;
    }
    const selected = selectDatabases(target ? { ...options, path: target.path } : options);
    for (const { name } of selected) refuseChangedDataSteps(name);
    const run = options.dryRun
      ? dryRunOne
      : (name: DatabaseName, path: string | undefined) =>
          migrateOne(name, path, options.acceptDrift ?? false);
    if (selected.length === 1) {
      const [{ name, path }] = selected as [(typeof selected)[number]];
      await run(name, path);
      return;
    }
    const failed: string[] = [];
    for (const { name, path } of selected) {
      try {
        await run(name, path);
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

/**
 * A data step edited since the embedded migrations were written would be recorded with its old
 * source's hash: refused, nothing opened, until db:generate records the new one.
 */
function refuseChangedDataSteps(name: DatabaseName): void {
  const [tag] = changedDataSteps(name);
  if (tag !== undefined)
    throw new CliError(
      `${name}: ${tag}.ts changed since the embedded migrations were written: run ` +
        `\`pnpm db:generate --db ${name}\` first, so the step is recorded with the source it runs; nothing was changed`,
    );
}

async function migrateOne(
  name: DatabaseName,
  path: string | undefined,
  acceptDrift: boolean,
): Promise<void> {
  const file = resolveDatabasePath(name, { path, cwd: invocationDir() });
  try {
    const result = await atFile(file, () => adoptAndMigrate(name, { path: file, acceptDrift }));
    for (const line of describe(result)) console.log(line);
  } catch (error) {
    // Its difference report follows on stdout, under the database like any other result.
    if (error instanceof AdoptionConflictError || error instanceof DriftError)
      console.log(`${name}: ${file}`);
    throw error;
  }
}

async function migrateServer(
  name: DatabaseName,
  url: string,
  authToken: string | undefined,
  acceptDrift: boolean,
): Promise<void> {
  const lines = [`${name}: ${url}`];
  try {
    const result = await atServer(url, () =>
      migrateLibsqlUrl(name, {
        url,
        ...(authToken !== undefined ? { authToken } : {}),
        acceptDrift,
        log: () => {},
        onEvent: (event) => {
          if (event.type === 'planned' && !lines.includes(`  ${NO_BACKUP_NOTE}`))
            lines.push(`  ${NO_BACKUP_NOTE}`);
        },
      }),
    );
    if (result.applied.length > 0) {
      if (result.stateBefore === 'new') lines.push('  created');
      lines.push(`  applied: ${result.applied.join(', ')}`);
    } else lines.push('  up to date');
    for (const line of lines) console.log(line);
  } catch (error) {
    // Its difference report follows on stdout, under the database like any other result.
    if (error instanceof DriftError) console.log(`${name}: ${url}`);
    throw error;
  }
}

async function dryRunOne(name: DatabaseName, path: string | undefined): Promise<void> {
  const file = resolveDatabasePath(name, { path, cwd: invocationDir() });
  const report = await atFile(file, () => dryRunMigrations(name, { path: file }));
  for (const line of describeDryRun(report)) console.log(line);
}

function describeDryRun(report: DryRunReport): string[] {
  const lines = [`${report.name}: ${report.path} (dry run on a copy: the file is not changed)`];
  if (report.adoptedAt) lines.push(`  would adopt at ${report.adoptedAt}`);
  if (report.steps.length === 0) lines.push('  up to date: nothing to apply');
  const count = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US'));
  for (const step of report.steps) {
    lines.push(`  ${step.tag}: ${step.ms.toFixed(1)} ms`);
    for (const t of step.tables) {
      const change =
        t.before === t.after
          ? ''
          : t.after === null
            ? ' (dropped)'
            : t.before === null
              ? ' (created)'
              : ' (changed)';
      lines.push(`    ${t.table}: ${count(t.before)} -> ${count(t.after)} rows${change}`);
    }
    for (const finding of step.findings) lines.push(`    lint: ${formatFinding(finding)}`);
  }
  lines.push(`  total ${report.ms.toFixed(1)} ms on the copy`);
  return lines;
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
    if (migration.squashedTo)
      lines.push(
        `  (a new file: the steps up to ${migration.squashedTo} applied as one squashed step)`,
      );
    if (migration.backupPath) lines.push(`  backup: ${migration.backupPath}`);
  } else if (!adoption?.adopted) {
    lines.push('  up to date');
  }
  return lines;
}
