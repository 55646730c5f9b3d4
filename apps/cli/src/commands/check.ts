import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { loadMigrations, verifySquash } from '@agentstate/db';
import {
  embeddedModuleIsCurrent,
  journalEntries,
  runDrizzleKit,
  schemaPackageDir,
  squashTagsIn,
  stepSidecars,
  stepsWithoutDown,
} from '@agentstate/schema/kit';
import { migrationsFolder } from '@agentstate/schema/migrations';
import type { Command } from 'commander';
import { docsPath, staleSchemaDocs } from '../docs/docs-files.ts';
import { databaseNameValue } from '../databases-option.ts';
import { changedDataSteps } from '../changed-data-steps.ts';
import { lintFolder } from '../migration-lint.ts';
import { failWith, withSquashAt } from './squash.ts';

function listFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Regenerates a database's migrations into a scratch copy of its folder. Any new file, changed
 * file or question from drizzle-kit means the schema and the committed migrations disagree.
 * (`drizzle-kit check` alone only validates snapshots and misses this.)
 */
function findDrift(database: DatabaseName): string[] {
  const problems: string[] = [];
  const folder = migrationsFolder(database);
  if (!existsSync(join(folder, 'meta', '_journal.json'))) {
    return [`${database}: no migrations at ${folder}; run \`pnpm db:generate --db ${database}\``];
  }
  const snapshotCheck = runDrizzleKit({ database, args: ['check'] });
  if (snapshotCheck.failure) {
    problems.push(`${database}: drizzle-kit check failed: ${snapshotCheck.output.trim()}`);
  }
  // drizzle-kit prefixes `out` with './', so the scratch copy must sit under the folder it runs in.
  const scratchParent = join(schemaPackageDir, 'node_modules', '.cache', 'agentstate-drift');
  mkdirSync(scratchParent, { recursive: true });
  const scratch = mkdtempSync(join(scratchParent, `${database}-`));
  try {
    cpSync(folder, scratch, { recursive: true });
    const result = runDrizzleKit({
      database,
      args: ['generate'],
      out: relative(schemaPackageDir, scratch),
    });
    if (result.failure) {
      problems.push(`${database}: ${result.failure}:\n${result.output.trim()}`);
    }
    const before = listFiles(folder);
    const after = listFiles(scratch);
    const added = after.filter((file) => !before.includes(file));
    const changed = before.filter(
      (file) =>
        after.includes(file) &&
        !readFileSync(join(folder, file)).equals(readFileSync(join(scratch, file))),
    );
    if (added.length > 0 || changed.length > 0) {
      problems.push(
        `${database}: the schema differs from the committed migrations ` +
          `(regenerating would write ${[...added, ...changed].join(', ')}); ` +
          `run \`pnpm db:generate --db ${database} --name <what_changed>\``,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return problems;
}

/**
 * A database's committed squash, proven: a scratch file migrated through the history and one born
 * from the squash (the folder's files, with the embedded data steps' functions) must agree exactly.
 */
async function squashProblems(database: DatabaseName): Promise<string[]> {
  const folder = migrationsFolder(database);
  const tags = journalEntries(folder).map((e) => e.tag);
  const squashed = squashTagsIn(folder);
  const orphans = squashed.filter((tag) => !tags.includes(tag));
  if (orphans.length > 0)
    return [
      `${database}: squash files for ${orphans.join(', ')}, not a step of it: run \`pnpm db:squash --db ${database} --to <tag>\` again`,
    ];
  if (squashed.length > 1)
    return [
      `${database}: squashes of ${squashed.join(' and ')}: keep one (pnpm db:squash replaces it)`,
    ];
  const [tag] = squashed;
  const squash = tag === undefined ? undefined : stepSidecars(folder, tag).squash;
  if (tag === undefined || squash === undefined) return [];
  const problems = await verifySquash(withSquashAt(loadMigrations(database), tag, squash));
  return problems.map((problem) => `${database}: ${problem}`);
}

/**
 * `db:check`: the drift gate. Every problem is listed (one line each) before it fails: a schema
 * that differs from its committed migrations, a stale embedded copy, stale `docs/schema/`.
 */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'Fail when a Drizzle schema and its committed migrations disagree, when a migration step has ' +
        'a lint finding not acknowledged, when a squash differs from the history it replaces, ' +
        'when the embedded copy of the migrations is stale, or ' +
        'when docs/schema/ is stale.',
    )
    .option(
      '--db <name>',
      `only this database: one of ${databaseNames.join(', ')}`,
      databaseNameValue,
    )
    .action(async (options: { db?: DatabaseName }) => {
      const targets = options.db ? [options.db] : databaseNames;
      const problems = targets.flatMap((database) => findDrift(database));
      let acknowledged = 0;
      for (const database of targets) {
        const missing = stepsWithoutDown(database);
        if (missing.length > 0)
          problems.push(
            `${database}: no down migration for ${missing.join(', ')}: run \`pnpm db:generate --db ${database}\``,
          );
        problems.push(...(await squashProblems(database)));
        const lint = await lintFolder(database);
        problems.push(...lint.problems);
        acknowledged += lint.findings.filter((f) => f.acknowledged !== undefined).length;
      }
      for (const database of targets) {
        for (const tag of changedDataSteps(database))
          problems.push(
            `${database}: ${tag}.ts changed since the embedded migrations were written: its step ` +
              'hash covers it, so a file that applied the step reports it edited once ' +
              `\`pnpm db:generate --db ${database}\` records the change; put a changed backfill in a new step`,
          );
        if (!embeddedModuleIsCurrent(database)) {
          problems.push(
            `${database}: the embedded migrations are stale: run \`pnpm db:generate --db ${database}\``,
          );
        }
      }
      for (const database of staleSchemaDocs(targets)) {
        problems.push(`${docsPath(database)}: stale schema docs: run \`pnpm db:docs\``);
      }
      if (problems.length > 0) failWith(problems);
      console.log(
        `schema, migrations, embedded migrations and docs agree for ${targets.join(', ')}; ` +
          `every migration step passes the lint (${acknowledged} finding(s) acknowledged)`,
      );
    });
}
