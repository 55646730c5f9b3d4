import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '@agentstate/db/testing';
import { DATA_STEP_MARKER } from '@agentstate/schema/data-migration';
import { copyWorkspace, tsx } from './helpers/workspace.ts';

/** A command as `pnpm db:*` runs it, in the copied workspace. */
function run(root: string, command: string, args: string[]) {
  const result = spawnSync(tsx, ['src/main.ts', command, ...args], {
    cwd: join(root, 'apps', 'cli'),
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function query<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

interface Workflow {
  id: string;
  definition: string | null;
  step_count: number | null;
}

describe(
  'pnpm db:generate --data (a TypeScript data migration, end to end)',
  { timeout: 600_000 },
  () => {
    const dir = makeTempDir();
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let root = '';
    let folder = '';
    const seeded = join(dir, 'mcpmaker.db');
    /** The step named `name` in the copy's mcpmaker folder (its number depends on the history). */
    const tagOf = (name: string) => {
      const [sql] = readdirSync(folder).filter((f) => f.endsWith(`_${name}.sql`));
      if (!sql) throw new Error(`no step ${name} in ${folder}`);
      return sql.replace(/\.sql$/, '');
    };
    /** Replaces the body the template leaves (`void db;`) of a data step. */
    const fillIn = (tag: string, body: string, imports = '') => {
      const path = join(folder, `${tag}.ts`);
      const source = readFileSync(path, 'utf8');
      expect(source).toContain('  void db;');
      writeFileSync(path, imports + source.replace('  void db;', body));
    };

    const regenerate = () => run(root, 'generate', ['--db', 'mcpmaker']);

    beforeAll(() => {
      root = copyWorkspace(join(dir, 'workspace'));
      folder = join(root, 'packages', 'schema', 'migrations', 'mcpmaker');
      // A file as the history leaves it, holding the seed recipes' rows (definitions with nulls).
      const seed = run(root, 'seed', ['--db', 'mcpmaker', '--path', seeded, '--rows', '300']);
      expect(seed.status, seed.stderr).toBe(0);
    }, 600_000);

    it('a new column is backfilled by the step generated for it, in db:migrate of a seeded file', () => {
      const before = query<Workflow>(seeded, 'SELECT id, definition FROM workflows ORDER BY id');
      expect(before.length).toBeGreaterThan(0);

      const schemaFile = join(root, 'packages', 'schema', 'src', 'mcpmaker', 'workflows.ts');
      writeFileSync(
        schemaFile,
        readFileSync(schemaFile, 'utf8')
          .replace(
            "import { sqliteTable, text } from 'drizzle-orm/sqlite-core';",
            "import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';",
          )
          .replace(
            "  mcpServerPath: text('mcp_server_path'),",
            "  mcpServerPath: text('mcp_server_path'),\n  stepCount: integer('step_count'),",
          ),
      );
      const column = run(root, 'generate', [
        '--db',
        'mcpmaker',
        '--name',
        'add_workflow_step_count',
      ]);
      expect(column.status, column.stderr).toBe(0);
      const data = run(root, 'generate', [
        '--db',
        'mcpmaker',
        '--name',
        'backfill_step_count',
        '--data',
      ]);
      expect(data.status, data.stderr).toBe(0);
      const addTag = tagOf('add_workflow_step_count');
      const dataTag = tagOf('backfill_step_count');
      expect(data.stdout).toContain(`data migration: ${join(folder, `${dataTag}.ts`)}`);

      // What drizzle-kit wrote, turned into a data step: the marker, the schema as of the step, the
      // function; the embedded module imports the function.
      expect(readFileSync(join(folder, `${dataTag}.sql`), 'utf8')).toMatch(
        new RegExp(`^${DATA_STEP_MARKER} ${dataTag}\\.ts\\n`),
      );
      expect(readFileSync(join(folder, `${dataTag}.schema.ts`), 'utf8')).toMatch(
        /stepCount: integer\("step_count"\)/,
      );
      const embedded = readFileSync(
        join(root, 'packages', 'schema', 'src', 'mcpmaker', 'migrations.generated.ts'),
        'utf8',
      );
      expect(embedded).toContain(`from '../../migrations/mcpmaker/${dataTag}.ts'`);

      fillIn(
        dataTag,
        [
          '  db.update(schema.workflows)',
          "    .set({ stepCount: sql`json_array_length(${schema.workflows.definition}, '$.steps')` })",
          '    .where(and(isNull(schema.workflows.stepCount), isNotNull(schema.workflows.definition)))',
          '    .run();',
        ].join('\n'),
        "import { and, isNotNull, isNull, sql } from 'drizzle-orm';\n",
      );

      // Filled in after the embedded migrations were written: its hash would be the template's.
      const early = run(root, 'migrate', ['--db', 'mcpmaker', '--path', seeded]);
      expect(early.status).not.toBe(0);
      expect(early.stderr).toContain(
        `error: mcpmaker: ${dataTag}.ts changed since the embedded migrations were written: run \`pnpm db:generate --db mcpmaker\` first`,
      );
      expect(regenerate().status).toBe(0);

      const migrated = run(root, 'migrate', ['--db', 'mcpmaker', '--path', seeded]);
      expect(migrated.status, migrated.stderr).toBe(0);
      expect(migrated.stdout).toContain(`applied: ${addTag}, ${dataTag}`);

      const after = query<Workflow>(
        seeded,
        'SELECT id, definition, step_count FROM workflows ORDER BY id',
      );
      expect(after.map((w) => [w.id, w.definition])).toEqual(
        before.map((w) => [w.id, w.definition]),
      );
      const expected = (definition: string | null) => {
        if (definition === null) return null;
        const steps = (JSON.parse(definition) as { steps?: unknown }).steps;
        return Array.isArray(steps) ? steps.length : null;
      };
      for (const w of after) expect(w.step_count, w.id).toBe(expected(w.definition));
      expect(after.some((w) => typeof w.step_count === 'number' && w.step_count > 0)).toBe(true);

      const status = run(root, 'status', ['--db', 'mcpmaker', '--path', seeded, '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject([
        { state: 'managed', pending: [], drift: [] },
      ]);
    });

    it('a data step that throws leaves the file byte-identical and the step unrecorded', () => {
      const data = run(root, 'generate', [
        '--db',
        'mcpmaker',
        '--name',
        'failing_backfill',
        '--data',
      ]);
      expect(data.status, data.stderr).toBe(0);
      const tag = tagOf('failing_backfill');
      // It changes every row, then fails: the change must go with it.
      fillIn(
        tag,
        [
          '  db.update(schema.workflows).set({ stepCount: -1 }).run();',
          "  throw new Error('the backfill found a workflow it cannot count');",
        ].join('\n'),
      );
      expect(regenerate().status).toBe(0);
      const before = sha256(seeded);
      const recorded = query<{ hash: string }>(seeded, 'SELECT hash FROM __drizzle_migrations');

      const migrated = run(root, 'migrate', ['--db', 'mcpmaker', '--path', seeded]);
      expect(migrated.status).not.toBe(0);
      const errors = migrated.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(tag);
      expect(errors[0]).toContain('the backfill found a workflow it cannot count');

      expect(sha256(seeded)).toBe(before);
      expect(query<{ hash: string }>(seeded, 'SELECT hash FROM __drizzle_migrations')).toEqual(
        recorded,
      );
      expect(query(seeded, 'SELECT id FROM workflows WHERE step_count = -1')).toEqual([]);
      const status = run(root, 'status', ['--db', 'mcpmaker', '--path', seeded, '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject([{ state: 'managed', pending: [tag] }]);
    });

    it('an edit of an applied data step is named by db:check, and reported edited by db:status once regenerated', () => {
      const tag = tagOf('backfill_step_count');
      const path = join(folder, `${tag}.ts`);
      writeFileSync(path, readFileSync(path, 'utf8').replace("'$.steps'", "'$.parameters'"));
      const checked = run(root, 'check', ['--db', 'mcpmaker']);
      expect(checked.status).toBe(1);
      expect(`${checked.stdout}${checked.stderr}`).toContain(
        `mcpmaker: ${tag}.ts changed since the embedded migrations were written`,
      );
      const before = sha256(seeded);
      const refused = run(root, 'migrate', ['--db', 'mcpmaker', '--path', seeded]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain(
        `${tag}.ts changed since the embedded migrations were written`,
      );
      expect(sha256(seeded)).toBe(before);
      const regenerated = regenerate();
      expect(regenerated.status, regenerated.stderr).toBe(0);
      const status = run(root, 'status', ['--db', 'mcpmaker', '--path', seeded, '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject([{ state: 'edited' }]);
      const migrated = run(root, 'migrate', ['--db', 'mcpmaker', '--path', seeded]);
      expect(migrated.status).not.toBe(0);
      expect(migrated.stderr).toMatch(
        new RegExp(
          `error: .*migration ${tag} \\(applied as \\w+, now \\w+\\) was changed after it was applied`,
        ),
      );
      expect(sha256(seeded)).toBe(before);
    });
  },
);
