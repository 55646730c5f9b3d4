import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbeddedMigration } from '../migrations.ts';

/** A database's `migrations.generated.ts`: its migrations as data, beside its definition. */
export function embeddedModulePath(database: string): string {
  return fileURLToPath(new URL(`../${database}/migrations.generated.ts`, import.meta.url));
}

/** A database's drizzle-kit output folder. */
export function migrationsFolderOf(database: string): string {
  return fileURLToPath(new URL(`../../migrations/${database}`, import.meta.url));
}

interface Journal {
  entries: Array<{ idx: number; when: number; tag: string; breakpoints: boolean }>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What `__drizzle_migrations` records for a step: the sha256 of its SQL file, as drizzle-orm
 * computes it; for a TypeScript data step (`sourceHash`, the sha256 of its `<tag>.ts`), the sha256
 * of its marker SQL followed by that source hash, so an edit of the function changes the step's
 * hash as an edit of SQL does. (A data step applied before its source was hashed, or by
 * drizzle-orm's migrator, recorded the SQL's hash alone: `legacyStepHash`.)
 */
export function stepHash(sql: string, sourceHash?: string): string {
  return sourceHash === undefined
    ? sha256(sql)
    : sha256(`${sql}\n-- agentstate:source-sha256 ${sourceHash}\n`);
}

/** The hash a data step recorded before its source was part of it: its SQL's alone. */
export function legacyStepHash(step: { sql: string; sourceHash?: string }): string | undefined {
  return step.sourceHash === undefined ? undefined : sha256(step.sql);
}

/** Reads one database's drizzle-kit output folder, hashing each file as drizzle-orm does. */
export function readMigrationFolder(folder: string): EmbeddedMigration[] {
  // A database whose first migration is not generated yet has no journal.
  if (!existsSync(join(folder, 'meta', '_journal.json'))) return [];
  const journal = JSON.parse(
    readFileSync(join(folder, 'meta', '_journal.json'), 'utf8'),
  ) as Journal;
  return journal.entries.map((entry) => {
    const sql = readFileSync(join(folder, `${entry.tag}.sql`), 'utf8');
    const sidecars = stepSidecars(folder, entry.tag);
    return {
      idx: entry.idx,
      tag: entry.tag,
      when: entry.when,
      breakpoints: entry.breakpoints,
      sql,
      hash: stepHash(sql, sidecars.sourceHash),
      ...sidecars,
    };
  });
}

/** A step's down migration file (`<tag>.down.sql`), beside its up step. */
export function downPathOf(folder: string, tag: string): string {
  return join(folder, `${tag}.down.sql`);
}

/** A step's acknowledged lint findings (`<tag>.acknowledge`), for a step whose text is final. */
export function acknowledgePathOf(folder: string, tag: string): string {
  return join(folder, `${tag}.acknowledge`);
}

/** `<tag>.squash.sql`: the steps up to `<tag>` as one, applied to new files instead of them. */
export function squashPathOf(folder: string, tag: string): string {
  return join(folder, `${tag}.squash.sql`);
}

/** `<tag>.squash.down.sql`: the squashed step's down, from `<tag>`'s schema to the empty one. */
export function squashDownPathOf(folder: string, tag: string): string {
  return join(folder, `${tag}.squash.down.sql`);
}

type Sidecars = Pick<EmbeddedMigration, 'down' | 'acknowledge' | 'squash' | 'sourceHash'>;

/**
 * The files beside a step's SQL that travel with it: its down migration, acknowledgements, and
 * the squash of the steps up to it (`db:squash --to <tag>`) with its down, and a data step's
 * source hash (of `<tag>.ts`).
 */
export function stepSidecars(folder: string, tag: string): Sidecars {
  const sidecars: Sidecars = {};
  const source = dataStepPathOf(folder, tag);
  if (existsSync(source)) sidecars.sourceHash = sha256(readFileSync(source, 'utf8'));
  const down = downPathOf(folder, tag);
  if (existsSync(down)) sidecars.down = readFileSync(down, 'utf8');
  const acknowledge = acknowledgePathOf(folder, tag);
  if (existsSync(acknowledge)) sidecars.acknowledge = readFileSync(acknowledge, 'utf8');
  const squash = squashPathOf(folder, tag);
  if (existsSync(squash)) {
    const squashDown = squashDownPathOf(folder, tag);
    sidecars.squash = {
      sql: readFileSync(squash, 'utf8'),
      ...(existsSync(squashDown) && { down: readFileSync(squashDown, 'utf8') }),
    };
  }
  return sidecars;
}

/** A TypeScript data migration's module (`<tag>.ts`), beside its marker `<tag>.sql`. */
export function dataStepPathOf(folder: string, tag: string): string {
  return join(folder, `${tag}.ts`);
}

/** The source of a database's `migrations.generated.ts`. */
export function renderEmbeddedModule(database: string): string {
  const folder = migrationsFolderOf(database);
  const migrations = readMigrationFolder(folder);
  const imports: string[] = [];
  const entries = migrations.map((m) => {
    const json = JSON.stringify(m, null, 2);
    if (!existsSync(dataStepPathOf(folder, m.tag))) return json;
    const name = `data${m.tag.replace(/[^A-Za-z0-9]/g, '_')}`;
    imports.push(`import ${name} from '../../migrations/${database}/${m.tag}.ts';`);
    return `${json.slice(0, json.lastIndexOf('\n}'))},\n  "data": ${name}\n}`;
  });
  const list =
    entries.length === 0
      ? '[]'
      : `[\n${entries.join(',\n')}\n]`.replace(/\n/g, '\n  ').replace(/\n {2}\]$/, '\n]');
  return [
    `// Generated by \`pnpm db:generate\` from packages/schema/migrations/${database}. Do not edit.`,
    '// Bundled apps import migrations from here instead of reading the folder at run time.',
    "import type { EmbeddedMigration } from '../migrations.ts';",
    ...imports,
    '',
    `export const migrations: readonly EmbeddedMigration[] = ${list};`,
    '',
  ].join('\n');
}

/** Whether a database's `migrations.generated.ts` holds exactly its migrations folder. */
export function embeddedModuleIsCurrent(database: string): boolean {
  const path = embeddedModulePath(database);
  return existsSync(path) && readFileSync(path, 'utf8') === renderEmbeddedModule(database);
}

/** Writes a database's `migrations.generated.ts` from its migrations folder; returns its path. */
export function writeEmbeddedModule(database: string): string {
  const path = embeddedModulePath(database);
  writeFileSync(path, renderEmbeddedModule(database));
  return path;
}
