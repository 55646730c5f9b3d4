import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as drizzleMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { adoptAndMigrate, databaseStatus, readLiveSchema } from '../src/adopt/index.ts';
import { createMcpmakerClient, loadMigrations, openDatabase } from '../src/index.ts';
import { tempSecrets } from './client/helpers.ts';
import { tempDir } from './helpers/fixtures.ts';
import {
  buildOriginalDatabase,
  comparableSchema,
  originalDdl,
  snapshotRows,
} from './helpers/original-tools.ts';

/**
 * What an original tool's own code meets on a file agentstate manages (the README's "Switching from
 * the original tool"): the original's statements, run on the real file beside agentstate's client.
 */
const quiet = { log: () => {} };

describe('MCPMaker beside agentstate', () => {
  it('reads an API key the client wrote as ciphertext; a key it writes in plaintext reads back as written', async () => {
    const handle = await openDatabase('mcpmaker', {
      path: join(tempDir(), 'mcpmaker.db'),
      migrate: quiet,
    });
    const client = createMcpmakerClient(handle, { secrets: tempSecrets() });
    client.setConfig('anthropic_api_key', 'sk-ant-mine');
    // MCPMaker's own read of its config.
    const original = new Database(handle.path);
    const read = () =>
      original.prepare("SELECT value FROM config WHERE key = 'anthropic_api_key'").pluck().get();
    expect(read()).toMatch(/^agentstate:aes-256-gcm:v1:/);
    expect(read()).not.toContain('sk-ant-mine');

    original
      .prepare(
        "INSERT OR REPLACE INTO config (key, value) VALUES ('anthropic_api_key', 'sk-ant-theirs')",
      )
      .run();
    expect(client.getConfig('anthropic_api_key')).toBe('sk-ant-theirs');
    expect(client.sealPlaintextSecrets()).toBe(1);
    expect(read()).toMatch(/^agentstate:aes-256-gcm:v1:/);
    original.close();
    handle.close();
  });

  it('its sessions need their workflow now, and its deleteWorkflow order still works', async () => {
    const handle = await openDatabase('mcpmaker', {
      path: join(tempDir(), 'mcpmaker.db'),
      migrate: quiet,
    });
    handle.close();
    const original = new Database(handle.path);
    original.pragma('foreign_keys = ON'); // as MCPMaker opens it
    const session = original.prepare(
      `INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at)
       VALUES (?, ?, 'Book a table', 'https://www.opentable.com/', 1757300000000, 1757300060000)`,
    );
    expect(() => session.run('m5x1k3-00000001', 'no-such-workflow')).toThrow(
      /FOREIGN KEY constraint failed/,
    );
    original
      .prepare(
        "INSERT INTO workflows (id, name, site_pattern) VALUES ('wf-1', 'Book a table', 'www.opentable.com')",
      )
      .run();
    session.run('m5x1k3-00000002', 'wf-1');
    original
      .prepare(
        "INSERT OR IGNORE INTO workflow_sessions (workflow_id, session_id) VALUES ('wf-1', 'm5x1k3-00000002')",
      )
      .run();
    // deleteWorkflow: its sessions, the junction rows, then the workflow.
    original.transaction(() => {
      original.prepare("DELETE FROM sessions WHERE workflow_id = 'wf-1'").run();
      original.prepare("DELETE FROM workflow_sessions WHERE workflow_id = 'wf-1'").run();
      original.prepare("DELETE FROM workflows WHERE id = 'wf-1'").run();
    })();
    const count = (table: string) =>
      original.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect(['sessions', 'workflow_sessions', 'workflows'].map(count)).toEqual([0, 0, 0]);
    original.close();
  });
});

/**
 * PokéCode's own migrations folder as its drizzle-kit wrote it: 0000_last_venom and
 * 0001_ambiguous_lester (the statements of test/fixtures/original-tools/pokecode.sql) with its
 * journal times, plus any `extra` entries.
 */
function pokecodeMigrationsFolder(extra: Array<{ tag: string; when: number; sql: string }> = []) {
  const folder = join(tempDir(), 'drizzle');
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const ddl = originalDdl('pokecode');
  const statements = (from: string, to: string) =>
    ddl
      .slice(ddl.indexOf(from), ddl.indexOf(to))
      .split(/;\s*\n/)
      .map((s) => s.trim())
      .filter(Boolean)
      .join(';\n--> statement-breakpoint\n');
  const entries = [
    {
      tag: '0000_last_venom',
      when: 1757299084985,
      sql: statements('CREATE TABLE `devices`', 'ALTER TABLE `sessions`'),
    },
    {
      tag: '0001_ambiguous_lester',
      when: 1757433159312,
      sql: statements(
        'ALTER TABLE `sessions`',
        'CREATE TABLE IF NOT EXISTS "__drizzle_migrations"',
      ),
    },
    ...extra,
  ];
  for (const { tag, sql } of entries) writeFileSync(join(folder, `${tag}.sql`), sql);
  writeFileSync(
    join(folder, 'meta', '_journal.json'),
    JSON.stringify({
      version: '7',
      dialect: 'sqlite',
      entries: entries.map(({ tag, when }, idx) => ({
        idx,
        version: '6',
        when,
        tag,
        breakpoints: true,
      })),
    }),
  );
  return folder;
}

function adoptedPokecode(): Promise<string> {
  const path = buildOriginalDatabase(tempDir(), 'pokecode', (db) => {
    db.prepare(
      `INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at)
       VALUES ('ckx1a2b3c4d5e6f7g8h9', 'claude-code', '/home/me/app', 'app', 1757300000, 1757300000, 1757300000)`,
    ).run();
  });
  return adoptAndMigrate('pokecode', { path, ...quiet }).then(() => path);
}

describe('PokéCode beside agentstate', () => {
  it('its own migrator on a file agentstate adopted and migrated runs nothing and changes nothing', async () => {
    const folder = pokecodeMigrationsFolder();
    // The folder is PokéCode's history: on an empty file it builds PokéCode's schema.
    const empty = new Database(join(tempDir(), 'empty.db'));
    drizzleMigrate(drizzle(empty), { migrationsFolder: folder });
    const original = new Database(buildOriginalDatabase(tempDir(), 'pokecode', () => {}));
    expect(comparableSchema(readLiveSchema(empty))).toEqual(
      comparableSchema(readLiveSchema(original)),
    );
    empty.close();
    original.close();

    const path = await adoptedPokecode();
    const sqlite = new Database(path);
    const before = { schema: comparableSchema(readLiveSchema(sqlite)), rows: snapshotRows(sqlite) };
    drizzleMigrate(drizzle(sqlite), { migrationsFolder: folder });
    expect(comparableSchema(readLiveSchema(sqlite))).toEqual(before.schema);
    expect(snapshotRows(sqlite)).toEqual(before.rows);
    sqlite.close();
  });

  it('a PokéCode migration dated before agentstate’s newest would never run; one dated after would, and agentstate then refuses the file as newer', async () => {
    const newest = loadMigrations('pokecode').at(-1)!.when;
    const path = await adoptedPokecode();
    const sqlite = new Database(path);
    drizzleMigrate(drizzle(sqlite), {
      migrationsFolder: pokecodeMigrationsFolder([
        {
          tag: '0002_older',
          when: newest - 1,
          sql: 'CREATE TABLE `older_than_ours` (`id` integer)',
        },
        {
          tag: '0003_newer',
          when: newest + 1,
          sql: 'CREATE TABLE `newer_than_ours` (`id` integer)',
        },
      ]),
    });
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all();
    expect(tables).not.toContain('older_than_ours');
    expect(tables).toContain('newer_than_ours');
    sqlite.close();
    // Then the file has a history agentstate does not know: it refuses it as newer.
    expect((await databaseStatus('pokecode', { path })).state).toBe('newer');
  });
});
