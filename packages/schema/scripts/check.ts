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
import { EXIT_FAILURE, optionValue, runProgram } from '@agentstate/cli';
import { Command } from 'commander';
import { databaseNames, parseDatabaseName, type DatabaseName } from '../src/databases.ts';
import { migrationsFolder } from '../src/migrations.ts';
import { runDrizzleKit, workspaceRoot } from './drizzle-kit.ts';
import { embeddedModulePath, renderEmbeddedModule } from './embed.ts';

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
  const snapshotCheck = runDrizzleKit(database, ['check']);
  if (snapshotCheck.failure) {
    problems.push(`${database}: drizzle-kit check failed: ${snapshotCheck.output.trim()}`);
  }
  // drizzle-kit prefixes `out` with './', so the scratch copy must sit under the workspace root.
  const scratchParent = join(workspaceRoot, 'node_modules', '.cache', 'agentstate-drift');
  mkdirSync(scratchParent, { recursive: true });
  const scratch = mkdtempSync(join(scratchParent, `${database}-`));
  try {
    cpSync(folder, scratch, { recursive: true });
    const result = runDrizzleKit(database, ['generate'], {
      AGENTSTATE_MIGRATIONS_OUT: relative(workspaceRoot, scratch),
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

const program = new Command('db:check')
  .description(
    'Fail when a Drizzle schema and its committed migrations disagree, or when the embedded ' +
      'copy of the migrations is stale.',
  )
  .option(
    '--db <name>',
    `only this database: one of ${databaseNames.join(', ')}`,
    optionValue(parseDatabaseName),
  )
  .action((options: { db?: DatabaseName }) => {
    const targets = options.db ? [options.db] : databaseNames;
    const problems = targets.flatMap((database) => findDrift(database));
    if (
      !existsSync(embeddedModulePath) ||
      readFileSync(embeddedModulePath, 'utf8') !== renderEmbeddedModule()
    ) {
      problems.push('the embedded migrations are stale: run `pnpm db:generate`');
    }
    if (problems.length > 0) {
      for (const problem of problems) console.error(`error: ${problem}`);
      process.exitCode = EXIT_FAILURE;
      return;
    }
    console.log(`schema and migrations agree for ${targets.join(', ')}`);
  });

await runProgram(program);
