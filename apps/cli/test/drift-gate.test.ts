import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyWorkspace, tsx } from './helpers/workspace.ts';

/** The command, as `pnpm db:check` / `db:generate` run it, in a copied workspace. */
function run(root: string, command: string, args: string[]) {
  const result = spawnSync(tsx, ['src/main.ts', command, ...args], {
    cwd: join(root, 'apps', 'cli'),
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const listMigrations = (root: string, db: string) =>
  readdirSync(join(root, 'packages', 'schema', 'migrations', db), { recursive: true })
    .map(String)
    .sort();

describe('pnpm db:check (the drift gate)', () => {
  it('passes on a clean tree', () => {
    const root = copyWorkspace();
    const result = run(root, 'check', []);
    expect(result.output).toContain('schema, migrations, embedded migrations and docs agree');
    expect(result.status).toBe(0);
  });

  it('fails on a deliberate schema edit, naming the database, and writes nothing', () => {
    const root = copyWorkspace();
    const file = join(root, 'packages', 'schema', 'src', 'mcpmaker', 'config.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "value: text('value').notNull(),",
        "value: text('value').notNull(),\n  note: text('note'),",
      ),
    );
    const before = listMigrations(root, 'mcpmaker');
    const result = run(root, 'check', ['--db', 'mcpmaker']);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/mcpmaker: the schema differs from the committed migrations/);
    expect(listMigrations(root, 'mcpmaker')).toEqual(before);
  });

  it('fails when the embedded copy of the migrations is stale', () => {
    const root = copyWorkspace();
    appendFileSync(
      join(root, 'packages', 'schema', 'migrations', 'dipeo', '0000_initial_schema.sql'),
      '\n-- edited\n',
    );
    const result = run(root, 'check', ['--db', 'dipeo']);
    expect(result.status).toBe(1);
    expect(result.output).toContain('the embedded migrations are stale');
  });
});

describe('pnpm db:generate', () => {
  it('exits non-zero instead of hanging on a rename question, and writes nothing', () => {
    const root = copyWorkspace();
    const file = join(root, 'packages', 'schema', 'src', 'multishot', 'credentials.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace("integer('updated_at'", "integer('changed_at'"),
    );
    const before = listMigrations(root, 'multishot');
    const result = run(root, 'generate', ['--db', 'multishot', '--name', 'rename_updated_at']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('drizzle-kit needs an answer to a prompt');
    expect(listMigrations(root, 'multishot')).toEqual(before);
  });

  it('names the piece a definition lost, in one line, when the schema no longer has it', () => {
    const root = copyWorkspace();
    const file = join(root, 'packages', 'schema', 'src', 'multishot', 'credentials.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace("value: text('value')", "secret: text('secret')"),
    );
    const result = spawnSync(tsx, ['src/main.ts', 'check', '--db', 'multishot'], {
      cwd: join(root, 'apps', 'cli'),
      encoding: 'utf8',
    });
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'error: defineDatabase("multishot"): secrets credentials.value: no such column',
    ]);
    expect(result.status).toBe(1);
  });

  it('rejects a migration name that is not snake_case', () => {
    const root = copyWorkspace();
    const result = run(root, 'generate', ['--db', 'engine', '--name', 'Add Stuff']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('must be snake_case');
  });
});
