import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../workspace-root.ts';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { renderDatabaseDocs } from './render-docs.ts';

/** `docs/schema/` at the workspace root (never the working directory's). */
export function defaultDocsDir(): string {
  return join(workspaceRoot(), 'docs', 'schema');
}

export function docsPath(name: DatabaseName, dir = defaultDocsDir()): string {
  return join(dir, `${name}.md`);
}

/** Writes `docs/schema/<database>.md` for each database; returns the files whose text changed. */
export function writeSchemaDocs(
  names: readonly DatabaseName[] = databaseNames,
  dir = defaultDocsDir(),
): string[] {
  mkdirSync(dir, { recursive: true });
  const changed: string[] = [];
  for (const name of names) {
    const path = docsPath(name, dir);
    const text = renderDatabaseDocs(name);
    if (readOr(path) === text) continue;
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
    changed.push(path);
  }
  return changed;
}

/** The databases whose document is missing or differs from what `writeSchemaDocs` would write. */
export function staleSchemaDocs(
  names: readonly DatabaseName[] = databaseNames,
  dir = defaultDocsDir(),
): DatabaseName[] {
  return names.filter((name) => readOr(docsPath(name, dir)) !== renderDatabaseDocs(name));
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
