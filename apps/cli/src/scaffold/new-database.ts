import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDatabaseName } from '@agentstate/schema';
import { renderEmbeddedModule, schemaPackageDir } from '@agentstate/schema/kit';
import { databaseFiles, namesOf } from './database-template.ts';

export class NewDatabaseError extends Error {
  override readonly name = 'NewDatabaseError';
}

/** What a database may be called: it names a folder, a `--db` value and an env var. */
export const DATABASE_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Adds a database: writes its folder under `packages/schema/src/<name>/` and registers its
 * definition in the registry, the one list of databases. The folder is written under a temporary
 * name and renamed into place, and the registry replaced whole, so a failure leaves neither.
 * Returns the files written.
 */
export function scaffoldDatabase(name: string, root = schemaPackageDir): string[] {
  if (!DATABASE_NAME.test(name)) {
    throw new NewDatabaseError(
      `${JSON.stringify(name)}: a database name is lower-case letters, digits and _, starting with a letter`,
    );
  }
  const src = join(root, 'src');
  const folder = join(src, name);
  if (isDatabaseName(name) || existsSync(folder)) {
    throw new NewDatabaseError(`${name}: there is already a database by that name (${folder})`);
  }
  const names = namesOf(name);
  const registryPath = join(src, 'registry.ts');
  const registry = registerIn(readFileSync(registryPath, 'utf8'), names.name, names.identifier);

  const staging = join(src, `.${name}.new-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    const files = {
      ...databaseFiles(names),
      'migrations.generated.ts': renderEmbeddedModule(name),
    };
    for (const [file, text] of Object.entries(files)) writeFileSync(join(staging, file), text);
    renameSync(staging, folder);
    writeFileSync(`${registryPath}.new`, registry);
    renameSync(`${registryPath}.new`, registryPath);
    return [...Object.keys(files).map((file) => join(folder, file)), registryPath];
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(`${registryPath}.new`, { force: true });
    if (readFileSync(registryPath, 'utf8') !== registry)
      rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/** The registry's text with the database added: its import, and its entry in `databases`. */
export function registerIn(registry: string, name: string, identifier: string): string {
  const imports = [...registry.matchAll(/^import \{ \w+ \} from '\.\/[\w-]+\/database\.ts';\n/gm)];
  const last = imports.at(-1);
  const list = /export const databases = \{\n([\s\S]*?)\} as const/.exec(registry);
  if (!last || last.index === undefined || !list || list.index === undefined) {
    throw new NewDatabaseError(
      'registry.ts: cannot find its database imports and `export const databases = { … }`',
    );
  }
  const entry = name === identifier ? `  ${name},\n` : `  ${name}: ${identifier},\n`;
  const importLine = `import { ${identifier} } from './${name}/database.ts';\n`;
  const listEnd = list.index + list[0].indexOf('} as const');
  const afterImports = last.index + last[0].length;
  return (
    registry.slice(0, afterImports) +
    importLine +
    registry.slice(afterImports, listEnd) +
    entry +
    registry.slice(listEnd)
  );
}
