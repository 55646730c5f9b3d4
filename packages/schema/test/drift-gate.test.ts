import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';

const schemaPackage = fileURLToPath(new URL('..', import.meta.url));
const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = join(schemaPackage, 'node_modules', '.bin', 'tsx');

/**
 * A throwaway workspace with this package's schema, scripts and committed migrations, so a test
 * can edit the schema without touching the real tree. Dependencies are linked, not copied.
 */
function copyWorkspace(): string {
  const root = tempDir('agentstate-drift-test-');
  const pkg = join(root, 'packages', 'schema');
  mkdirSync(pkg, { recursive: true });
  for (const entry of ['src', 'scripts', 'migrations', 'package.json']) {
    cpSync(join(schemaPackage, entry), join(pkg, entry), { recursive: true });
  }
  cpSync(join(workspaceRoot, 'drizzle.config.ts'), join(root, 'drizzle.config.ts'));
  symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  symlinkSync(join(schemaPackage, 'node_modules'), join(pkg, 'node_modules'));
  return pkg;
}

function run(pkg: string, script: string, args: string[]) {
  const result = spawnSync(tsx, [join('scripts', script), ...args], { cwd: pkg, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const listMigrations = (pkg: string, db: string) =>
  readdirSync(join(pkg, 'migrations', db), { recursive: true })
    .map(String)
    .sort();

describe('pnpm db:check (the drift gate)', () => {
  it('passes on a clean tree', () => {
    const pkg = copyWorkspace();
    const result = run(pkg, 'check.ts', []);
    expect(result.output).toContain('schema and migrations agree');
    expect(result.status).toBe(0);
  });

  it('fails on a deliberate schema edit, naming the database, and writes nothing', () => {
    const pkg = copyWorkspace();
    const file = join(pkg, 'src', 'mcpmaker', 'config.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "value: text('value').notNull(),",
        "value: text('value').notNull(),\n  note: text('note'),",
      ),
    );
    const before = listMigrations(pkg, 'mcpmaker');
    const result = run(pkg, 'check.ts', ['--db', 'mcpmaker']);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/mcpmaker: the schema differs from the committed migrations/);
    expect(listMigrations(pkg, 'mcpmaker')).toEqual(before);
  });

  it('fails when the embedded copy of the migrations is stale', () => {
    const pkg = copyWorkspace();
    appendFileSync(join(pkg, 'migrations', 'dipeo', '0000_initial_schema.sql'), '\n-- edited\n');
    const result = run(pkg, 'check.ts', ['--db', 'dipeo']);
    expect(result.status).toBe(1);
    expect(result.output).toContain('the embedded migrations are stale');
  });
});

describe('pnpm db:generate', () => {
  it('exits non-zero instead of hanging on a rename question, and writes nothing', () => {
    const pkg = copyWorkspace();
    const file = join(pkg, 'src', 'multishot', 'credentials.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace("value: text('value')", "secret: text('secret')"),
    );
    const before = listMigrations(pkg, 'multishot');
    const result = run(pkg, 'generate.ts', ['--db', 'multishot', '--name', 'rename_value']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('drizzle-kit needs an answer to a prompt');
    expect(listMigrations(pkg, 'multishot')).toEqual(before);
  });

  it('rejects a migration name that is not snake_case', () => {
    const pkg = copyWorkspace();
    const result = run(pkg, 'generate.ts', ['--db', 'engine', '--name', 'Add Stuff']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('must be snake_case');
  });
});
