import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableName } from 'drizzle-orm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { defineDatabase } from '../src/define-database.ts';
import { databaseNames, databases } from '../src/registry.ts';
import { rowSchemas } from '../src/row-schemas.ts';
import * as pokecode from '../src/pokecode/index.ts';

const workspace = fileURLToPath(new URL('../../../', import.meta.url));
const sourceRoots = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(workspace, group)).map((pkg) => join(workspace, group, pkg, 'src')),
);

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Database names a file writes as string literals or as property names (a list of databases). */
function namesListed(path: string): Set<string> {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const known = new Set<string>(databaseNames);
  const found = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) && known.has(node.text)) found.add(node.text);
    if (
      (ts.isPropertyAssignment(node) ||
        ts.isShorthandPropertyAssignment(node) ||
        ts.isPropertySignature(node)) &&
      ts.isIdentifier(node.name) &&
      known.has(node.name.text)
    ) {
      found.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('the registry', () => {
  it('is the only source file that lists databases by name', () => {
    const listing = sourceRoots
      .flatMap(sourceFiles)
      .filter((path) => namesListed(path).size > 1)
      .map((path) => relative(workspace, path));
    expect(listing).toEqual(['packages/schema/src/registry.ts']);
  });

  it('keys each definition by its own name, which gives its folder and env var', () => {
    for (const name of databaseNames) {
      const definition = databases[name];
      expect(definition.name).toBe(name);
      expect(definition.envVar).toBe(`AGENTSTATE_${name.toUpperCase()}_PATH`);
      expect(fileURLToPath(definition.migrationsFolder)).toMatch(
        new RegExp(`/packages/schema/migrations/${name}/$`),
      );
      // Every table of the schema has its row schemas, under its SQL name.
      expect(Object.keys(definition.rows).sort()).toEqual(
        definition.tables.map((table) => getTableName(table)).sort(),
      );
    }
  });
});

describe('defineDatabase', () => {
  const base = {
    name: 'trial',
    description: 'a trial database',
    location: { base: 'home', path: '.trial/trial.db' },
    schema: { devices: pokecode.devices },
    rows: { devices: rowSchemas(pokecode.devices) },
    retention: { none: 'keeps everything' },
    seeder: { plan: () => ({}), run: () => {} },
    migrationsFolder: new URL('file:///nowhere/'),
    migrations: [],
  } as const;

  it('refuses a piece left out or misnamed, naming it', () => {
    expect(() => defineDatabase({ ...base, rows: {} })).toThrow(
      'defineDatabase("trial"): rows.devices is missing',
    );
    expect(() =>
      defineDatabase({ ...base, rows: { ...base.rows, gadgets: rowSchemas(pokecode.devices) } }),
    ).toThrow('defineDatabase("trial"): rows.gadgets: no such table');
    expect(() => defineDatabase({ ...base, payloadColumns: ['devices.payload'] })).toThrow(
      'defineDatabase("trial"): payloadColumns devices.payload: no such column',
    );
    expect(() =>
      defineDatabase({ ...base, secrets: [{ table: 'devices', column: 'pin' }] }),
    ).toThrow('defineDatabase("trial"): secrets devices.pin: no such column');
    expect(() => defineDatabase({ ...base, name: 'Trial-DB' })).toThrow(
      'defineDatabase("Trial-DB"): name must be lower-case letters, digits and _, starting with a letter',
    );
  });

  it('gives payload columns the payload limit and every other column the default', () => {
    const trial = defineDatabase({ ...base, payloadColumns: ['devices.device_name'] });
    expect(trial.maxBytes('devices', 'device_name')).toBe(16 * 1024 * 1024);
    expect(trial.maxBytes('devices', 'platform')).toBe(1024 * 1024);
    expect(trial.envVar).toBe('AGENTSTATE_TRIAL_PATH');
  });
});
