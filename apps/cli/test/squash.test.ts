import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as drizzleMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '@agentstate/db';
import { makeTempDir } from '@agentstate/db/testing';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { copyWorkspace, tsx } from './helpers/workspace.ts';

/** A command as `pnpm db:*` runs it, in the copied workspace. */
function run(root: string, command: string, args: string[]) {
  const result = spawnSync(tsx, ['src/main.ts', command, ...args], {
    cwd: join(root, 'apps', 'cli'),
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Migrates a file in the copied workspace with the real migrator and that workspace's embedded
 * migrations: through the history (the squash stripped), or with it, up to `upTo`.
 */
const HISTORY_SCRIPT = `
import { loadMigrations, migrate, openConnection, withoutSquash } from '@agentstate/db';
const [db, path, mode, upTo] = process.argv.slice(2);
const all = mode === 'squash' ? loadMigrations(db) : withoutSquash(loadMigrations(db));
const end = upTo ? all.findIndex((m) => m.tag === upTo) + 1 : all.length;
const sqlite = openConnection(path);
const result = await migrate(sqlite, all.slice(0, end), { backup: false, log: () => {} });
sqlite.close();
process.stdout.write(JSON.stringify(result));
`;

function migrateInCopy(
  root: string,
  db: string,
  path: string,
  mode: 'history' | 'squash',
  upTo = '',
): { applied: string[]; squashedTo?: string } {
  const result = spawnSync(tsx, ['squash-history.ts', db, path, mode, upTo], {
    cwd: join(root, 'apps', 'cli'),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`migrating ${path} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { applied: string[]; squashedTo?: string };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const ws = (sql: string) => sql.replace(/\s+/g, ' ').replace(/[`"]/g, '').trim();

/**
 * A file's schema read straight from SQLite: every object (its statement for indexes, triggers and
 * virtual tables), each table's columns in order with type, NOT NULL, default and key, each
 * index's columns.
 */
function schemaOf(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    const objects = db
      .prepare(
        'SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name',
      )
      .all() as Array<{ type: string; name: string; tbl_name: string; sql: string }>;
    return objects.map((o) => ({
      type: o.type,
      name: o.name,
      table: o.tbl_name,
      ...(o.type === 'table' && !/^CREATE VIRTUAL/i.test(o.sql)
        ? {
            columns: db.pragma(`table_xinfo("${o.name}")`),
            foreignKeys: db.pragma(`foreign_key_list("${o.name}")`),
          }
        : { sql: ws(o.sql) }),
      ...(o.type === 'index' && { columns: db.pragma(`index_xinfo("${o.name}")`) }),
    }));
  } finally {
    db.close();
  }
}

/** Every table's rows (the full-text indexes' included) and the recorded migrations. */
function rowsOf(path: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    // Sorted, as shadow tables have no rowid to order by.
    const rows = (t: string) =>
      db
        .prepare(`SELECT * FROM "${t}"`)
        .all()
        .map((r) => JSON.stringify(r))
        .sort();
    return Object.fromEntries(tables.map((t) => [t, rows(t)]));
  } finally {
    db.close();
  }
}

const migrationsDir = (root: string, db: string) =>
  join(root, 'packages', 'schema', 'migrations', db);
const listFiles = (root: string, db: string) =>
  readdirSync(migrationsDir(root, db), { recursive: true }).map(String).sort();

/**
 * Where each database is squashed: the step before its newest when it has more than two (so a
 * step follows the squash), else its newest (the squash then covers its full-text step).
 */
function squashTag(db: DatabaseName): string {
  const tags = loadMigrations(db).map((m) => m.tag);
  const tag = tags.length > 2 ? tags.at(-2) : tags.at(-1);
  if (!tag) throw new Error(`${db} has no steps`);
  return tag;
}

describe('pnpm db:squash', { timeout: 900_000 }, () => {
  let root = '';
  const dir = makeTempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** mcpmaker gets a data step that writes a row, so its squash must run the function too. */
  let dataTag = '';
  const tags = new Map<DatabaseName, string>();

  beforeAll(() => {
    root = copyWorkspace(join(dir, 'workspace'));
    writeFileSync(join(root, 'apps', 'cli', 'squash-history.ts'), HISTORY_SCRIPT);
    const generated = run(root, 'generate', ['--db', 'mcpmaker', '--name', 'seed_theme', '--data']);
    expect(generated.status, generated.stderr).toBe(0);
    const [step] = readdirSync(migrationsDir(root, 'mcpmaker')).filter((f) =>
      /^\d{4}_seed_theme\.ts$/.test(f),
    );
    if (!step) throw new Error('db:generate --data wrote no step');
    dataTag = step.replace(/\.ts$/, '');
    const stepPath = join(migrationsDir(root, 'mcpmaker'), step);
    writeFileSync(
      stepPath,
      readFileSync(stepPath, 'utf8').replace(
        '  void db;',
        "  db.insert(schema.config).values({ key: 'theme', value: 'dark' }).run();",
      ),
    );
    // The embedded copy records the function's source as filled in.
    expect(run(root, 'generate', ['--db', 'mcpmaker']).status).toBe(0);
    expect(run(root, 'docs', []).status).toBe(0);
    for (const db of databaseNames) {
      // mcpmaker's squash covers its data step (two steps plus the one generated above).
      const tag = db === 'mcpmaker' ? dataTag : squashTag(db);
      tags.set(db, tag);
      const squashed = run(root, 'squash', ['--db', db, '--to', tag]);
      expect(squashed.stderr).toBe('');
      expect(squashed.status).toBe(0);
      expect(squashed.stdout).toContain(`new files apply `);
      expect(existsSync(join(migrationsDir(root, db), `${tag}.squash.sql`))).toBe(true);
      expect(existsSync(join(migrationsDir(root, db), `${tag}.squash.down.sql`))).toBe(true);
    }
  }, 900_000);

  it('keeps the custom steps: the full-text index, its triggers and backfill are in the squash', () => {
    for (const db of databaseNames) {
      const tag = tags.get(db) ?? '';
      const history = loadMigrations(db);
      const covered = history.slice(0, history.findIndex((m) => m.tag === tag) + 1);
      const squash = readFileSync(join(migrationsDir(root, db), `${tag}.squash.sql`), 'utf8');
      for (const step of covered.filter((m) => /CREATE VIRTUAL TABLE/.test(m.sql))) {
        expect(squash, `${db}: ${step.tag}`).toContain(step.sql.trimEnd());
      }
      // Embedded like any step: the copy's embedded module carries it.
      const embedded = readFileSync(
        join(root, 'packages', 'schema', 'src', db, 'migrations.generated.ts'),
        'utf8',
      );
      expect(embedded).toContain('"squash": {');
    }
  });

  it('db:check proves every squash equal to its history', () => {
    const checked = run(root, 'check', []);
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  it('a new file takes one squashed step: the history schema, rows and records exactly', () => {
    for (const db of databaseNames) {
      const tag = tags.get(db) ?? '';
      const born = join(dir, `${db}-squashed.db`);
      const migrated = run(root, 'migrate', ['--db', db, '--path', born]);
      expect(migrated.status, migrated.stderr).toBe(0);
      expect(migrated.stdout).toContain(`the steps up to ${tag} applied as one squashed step`);
      const history = join(dir, `${db}-history.db`);
      const through = migrateInCopy(root, db, history, 'history');
      expect(through.squashedTo).toBeUndefined();
      expect(schemaOf(born)).toEqual(schemaOf(history));
      expect(rowsOf(born)).toEqual(rowsOf(history));
      // db:status: managed, nothing pending, no drift.
      const status = run(root, 'status', ['--db', db, '--path', born, '--json']);
      const [row] = JSON.parse(status.stdout) as Array<{
        state: string;
        pending: string[];
        drift: string[];
      }>;
      expect(row).toMatchObject({ state: 'managed', pending: [], drift: [] });
    }
    // The data step ran: its row is there, as in the history.
    expect(rowsOf(join(dir, 'mcpmaker-squashed.db')).config).toEqual([
      JSON.stringify({ key: 'theme', value: 'dark' }),
    ]);
  });

  it('a squash-born file later gets exactly the steps after the squash, from either migrator', () => {
    const db = 'pokecode';
    const tag = tags.get(db) ?? '';
    const all = loadMigrations(db).map((m) => m.tag);
    const after = all.slice(all.indexOf(tag) + 1);
    expect(after.length).toBeGreaterThan(0);
    const ours = join(dir, 'later-ours.db');
    expect(migrateInCopy(root, db, ours, 'squash', tag)).toMatchObject({ squashedTo: tag });
    const later = run(root, 'migrate', ['--db', db, '--path', ours]);
    expect(later.status, later.stderr).toBe(0);
    expect(later.stdout).toContain(`applied: ${after.join(', ')}`);
    expect(later.stdout).not.toContain('squashed');

    // drizzle-orm's own migrator reads the recorded rows as the history's and applies the rest.
    const theirs = join(dir, 'later-drizzle.db');
    migrateInCopy(root, db, theirs, 'squash', tag);
    const sqlite = new Database(theirs);
    drizzleMigrate(drizzle(sqlite), { migrationsFolder: migrationsDir(root, db) });
    sqlite.close();
    const history = join(dir, 'later-history.db');
    migrateInCopy(root, db, history, 'history');
    expect(schemaOf(ours)).toEqual(schemaOf(history));
    expect(schemaOf(theirs)).toEqual(schemaOf(history));
    expect(rowsOf(ours).__drizzle_migrations).toEqual(rowsOf(history).__drizzle_migrations);
    expect(rowsOf(theirs).__drizzle_migrations).toEqual(rowsOf(history).__drizzle_migrations);
  });

  it('an existing file at an older step continues with the history; one past the squash is untouched', () => {
    const db = 'pokecode';
    const tag = tags.get(db) ?? '';
    const all = loadMigrations(db).map((m) => m.tag);
    const older = all[all.indexOf(tag) - 1] ?? '';
    const file = join(dir, 'older.db');
    migrateInCopy(root, db, file, 'history', older);
    const migrated = run(root, 'migrate', ['--db', db, '--path', file]);
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain(`applied: ${all.slice(all.indexOf(older) + 1).join(', ')}`);
    expect(migrated.stdout).not.toContain('squashed');
    const history = join(dir, 'older-history.db');
    migrateInCopy(root, db, history, 'history');
    expect(schemaOf(file)).toEqual(schemaOf(history));
    expect(rowsOf(file).__drizzle_migrations).toEqual(rowsOf(history).__drizzle_migrations);

    const past = join(dir, 'past.db');
    migrateInCopy(root, db, past, 'history');
    const before = sha256(past);
    const again = run(root, 'migrate', ['--db', db, '--path', past]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('up to date');
    expect(sha256(past)).toBe(before);
  });

  it('a tampered squash fails db:check, naming the difference', () => {
    const db = 'dipeo';
    const path = join(migrationsDir(root, db), `${tags.get(db) ?? ''}.squash.sql`);
    const original = readFileSync(path, 'utf8');
    const statements = original.split('--> statement-breakpoint');
    const trigger = statements.findIndex((s) => /CREATE TRIGGER/.test(s));
    const name = /CREATE TRIGGER [`"]?(\w+)/.exec(statements[trigger] ?? '')?.[1];
    expect(name).toBeDefined();
    writeFileSync(
      path,
      statements.filter((_, i) => i !== trigger).join('--> statement-breakpoint'),
    );
    try {
      const checked = run(root, 'check', ['--db', db]);
      expect(checked.status).toBe(1);
      expect(checked.stderr).toContain(
        `${db}: the squash of ${loadMigrations(db)[0]?.tag}..${tags.get(db)}: trigger ${name}: the history has trigger; the squashed file has none`,
      );
    } finally {
      writeFileSync(path, original);
    }
  });

  it('bad input gets one error line, a non-zero exit and nothing written', () => {
    const db = 'pokecode';
    const first = loadMigrations(db)[0]?.tag ?? '';
    const before = listFiles(root, db);
    const cases: Array<[string[], RegExp]> = [
      [['--db', db, '--to', '0099_nope'], /--to: "0099_nope" is not a step of pokecode \(/],
      [['--db', db, '--to', first], /is the first step of pokecode: a squash of one step/],
      [['--db', 'nope', '--to', first], /--db/],
    ];
    for (const [args, line] of cases) {
      const result = run(root, 'squash', args);
      expect(result.status, args.join(' ')).not.toBe(0);
      const errors = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(line);
      expect(listFiles(root, db)).toEqual(before);
    }
    // A database with no steps yet (no journal).
    const meta = join(migrationsDir(root, 'multishot'), 'meta');
    renameSync(meta, `${meta}.away`);
    try {
      const empty = run(root, 'squash', ['--db', 'multishot', '--to', '0000_initial_schema']);
      expect(empty.status).not.toBe(0);
      expect(empty.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
        expect.stringMatching(
          /^error: multishot: has no migration steps to squash .*nothing was written$/,
        ),
      ]);
    } finally {
      renameSync(`${meta}.away`, meta);
    }
  });
});
