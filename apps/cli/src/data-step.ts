import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from '@agentstate/cli-kit';
import { loadMigrations, migrate, openConnection, withoutDataWork } from '@agentstate/db';
import type { DatabaseName } from '@agentstate/schema';
import { DATA_STEP_MARKER } from '@agentstate/schema/data-migration';
import { dataStepPathOf, runDrizzleKit, schemaPackageDir } from '@agentstate/schema/kit';
import { migrationsFolder } from '@agentstate/schema/migrations';

/**
 * Turns the custom step drizzle-kit just generated (the journal's last entry) into a TypeScript
 * data migration: `<tag>.sql` becomes the marker the journal and `__drizzle_migrations` know it
 * by, `<tag>.schema.ts` is drizzle-kit's pull of the schema as of this step (from a scratch file
 * migrated by the steps before it), and `<tag>.ts` the function to fill in. Returns its files.
 */
export async function makeDataStep(database: DatabaseName): Promise<string[]> {
  const folder = migrationsFolder(database);
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  const newest = journal.entries.at(-1);
  if (!newest) throw new Error(`${join(folder, 'meta', '_journal.json')}: has no step to fill in`);
  const { tag } = newest;
  const sqlPath = join(folder, `${tag}.sql`);
  const scratchParent = join(schemaPackageDir, 'node_modules', '.cache', 'agentstate-data-step');
  mkdirSync(scratchParent, { recursive: true });
  const scratch = mkdtempSync(join(scratchParent, `${database}-`));
  try {
    const file = join(scratch, 'schema.db');
    const sqlite = openConnection(file);
    // Only the schema matters here: the folder cannot import earlier data steps' functions.
    const before = withoutDataWork(loadMigrations({ folder }).filter((m) => m.tag !== tag));
    try {
      await migrate(sqlite, before, { backup: false, log: () => {} });
    } finally {
      sqlite.close();
    }
    const out = join(scratch, 'pull');
    const pulled = runDrizzleKit({
      database,
      args: ['pull'],
      url: file,
      out: relative(schemaPackageDir, out),
    });
    if (pulled.failure || !existsSync(join(out, 'schema.ts'))) {
      throw new CliError(
        `${database}: drizzle-kit pull of the schema as of ${tag} failed: ${pulled.failure ?? 'no schema.ts'}`,
      );
    }
    const schemaPath = join(folder, `${tag}.schema.ts`);
    writeFileSync(schemaPath, typedPull(readFileSync(join(out, 'schema.ts'), 'utf8'), tag));
    writeFileSync(
      sqlPath,
      `${DATA_STEP_MARKER} ${tag}.ts\n` +
        `-- This step runs the TypeScript function in ${tag}.ts inside the migration's transaction.\n`,
    );
    const stepPath = dataStepPathOf(folder, tag);
    writeFileSync(stepPath, dataStepTemplate(tag));
    return [sqlPath, schemaPath, stepPath];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * drizzle-kit pull's schema.ts, made to type-check: it writes a boolean default of an integer
 * column as `.default(false)`, which SQLite stores as 0 (and `true` as 1).
 */
function typedPull(source: string, tag: string): string {
  const fixed = source
    .split('\n')
    .map((line) =>
      /\binteger\(/.test(line)
        ? line.replace('.default(false)', '.default(0)').replace('.default(true)', '.default(1)')
        : line,
    )
    .join('\n');
  return `// The schema as of ${tag}: drizzle-kit pull of a database migrated up to it. Types ${tag}.ts.\n${fixed}`;
}

function dataStepTemplate(tag: string): string {
  return [
    "import { defineDataMigration } from '@agentstate/schema/data-migration';",
    `import * as schema from './${tag}.schema.ts';`,
    '',
    '/**',
    " * Runs inside the migration's transaction, after the steps before it; a throw rolls the whole",
    ' * migration back. Synchronous: use .run(), .all(), .get() (no await).',
    ' */',
    'export default defineDataMigration(schema, (db) => {',
    '  // e.g. db.update(schema.sessions).set({ ... }).where(...).run();',
    '  void db;',
    '  return undefined;',
    '});',
    '',
  ].join('\n');
}
