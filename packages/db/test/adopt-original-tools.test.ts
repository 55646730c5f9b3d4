import type { SqliteConnection } from '../src/driver/types.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADOPTED_MIGRATIONS_TABLE,
  adoptAndMigrate,
  databaseStatus,
  readLiveSchema,
} from '../src/adopt/index.ts';
import { loadMigrations, openDatabase, readAppliedMigrations } from '../src/index.ts';
import { Database as SqliteDatabase, tempDir } from './helpers/fixtures.ts';
import {
  buildOriginalDatabase,
  comparableSchema,
  sha256File,
  snapshotRows,
  type OriginalTool,
} from './helpers/original-tools.ts';

const quiet = { log: () => {} };

// Rows as each tool writes them: its id formats, timestamp units and JSON payloads.
const seeds: Record<
  Exclude<OriginalTool, 'engine-claude-os' | 'dipeo-execution-states'>,
  (db: SqliteConnection) => void
> = {
  mcpmaker(db) {
    // createWorkflow writes ISO timestamps; every other writer lets datetime('now') fill them in.
    db.prepare(
      'INSERT INTO workflows (id, name, site_pattern, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      'm5x1k2-ab12cd34',
      'Book a table',
      'www.opentable.com',
      JSON.stringify({ name: 'Book a table', confidence: 'high', steps: [] }),
      '2025-03-01T10:15:30.123Z',
      '2025-03-01T10:15:30.123Z',
    );
    db.prepare('INSERT INTO workflows (id, name, mcp_server_status) VALUES (?, ?, ?)').run(
      'm5x1k9-z9y8',
      'Export invoices',
      null,
    );
    const session = db.prepare(
      'INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at, dom_events) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    session.run(
      's-1',
      'm5x1k2-ab12cd34',
      'Book a table',
      'https://www.opentable.com/',
      1740824130123,
      1740824190456,
      '[{"type":"click","selector":"#book"}]',
    );
    session.run(
      's-2',
      'm5x1k9-z9y8',
      'Export invoices',
      'https://billing.example.com/',
      1740824200000,
      1740824260000,
      '[]',
    );
    session.run(
      's-3',
      null,
      'Unsorted',
      'https://example.org/',
      1740824300000,
      1740824300001,
      '[]',
    );
    db.prepare('INSERT INTO workflow_sessions VALUES (?, ?)').run('m5x1k2-ab12cd34', 's-1');
    db.prepare('INSERT INTO workflow_sessions VALUES (?, ?)').run('m5x1k9-z9y8', 's-2');
    db.prepare('INSERT INTO config VALUES (?, ?)').run('anthropic_api_key', 'sk-ant-test-123');
    db.prepare(
      'INSERT INTO playback_logs (id, workflow_id, site_pattern, timestamp, data, outcome, insights) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      'p-1',
      'm5x1k2-ab12cd34',
      'www.opentable.com',
      1740824400000,
      '{"actions":[],"totalActions":3,"successfulActions":3}',
      'completed',
      'Use the date picker',
    );
  },
  pokecode(db) {
    const session = db.prepare(
      'INSERT INTO sessions (id, provider, project_path, name, metadata, created_at, updated_at, last_accessed_at, is_working, message_count, token_count, last_message_sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    session.run(
      'ckx1a2b3c4d5e6f7g8h9',
      'claude-code',
      '/home/me/app',
      'app',
      '{"branch":"main"}',
      1757300000,
      1757300500,
      1757300500,
      0,
      2,
      1234,
      1757300400,
    );
    session.run(
      'ckx9z8y7x6w5v4u3t2s1',
      'codex-cli',
      '/home/me/lib',
      'lib',
      null,
      1757310000,
      1757310000,
      1757310000,
      1,
      0,
      0,
      null,
    );
    const message = db.prepare(
      'INSERT INTO session_messages (id, session_id, provider, type, content_data, token_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    message.run(
      'm1',
      'ckx1a2b3c4d5e6f7g8h9',
      'claude-code',
      'user',
      '{"text":"hi"}',
      3,
      1757300100,
    );
    message.run(
      'm2',
      'ckx1a2b3c4d5e6f7g8h9',
      'claude-code',
      'assistant',
      '{"text":"hello"}',
      1231,
      1757300400,
    );
    const job = db.prepare(
      'INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, attempts, max_attempts, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    job.run(
      'j1',
      'ckx1a2b3c4d5e6f7g8h9',
      'p1',
      'claude-code',
      'completed',
      '{"prompt":"hi","projectPath":"/home/me/app"}',
      1,
      1,
      1757300100,
      1757300400,
    );
    job.run(
      'j2',
      'ckx9z8y7x6w5v4u3t2s1',
      'p2',
      'codex-cli',
      'processing',
      '{"prompt":"fix","projectPath":"/home/me/lib"}',
      1,
      1,
      1757310001,
      null,
    );
    db.prepare(
      'INSERT INTO devices (device_id, device_name, platform, app_version, created_at, updated_at, last_connected_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run('dev-1', 'iPhone', 'ios', '1.2.0', 1757300000, 1757300000, 1757310000);
  },
  dipeo(db) {
    const execution = db.prepare(
      'INSERT INTO executions (execution_id, status, diagram_id, started_at, ended_at, node_states, node_outputs, llm_usage, variables, exec_counts, executed_nodes, metrics, access_count, last_accessed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    execution.run(
      'exec_1',
      'completed',
      'diagram-a',
      '2025-10-01T09:00:00.123456',
      '2025-10-01T09:00:05.000001',
      '{"n1":{"status":"completed"}}',
      '{}',
      '{"input":10,"output":20,"cached":null,"total":30}',
      '{}',
      '{"n1":1}',
      '["n1"]',
      null,
      3,
      '2025-10-01T10:00:00',
    );
    execution.run(
      'exec_2',
      'running',
      null,
      '2025-10-02T09:00:00',
      null,
      '{}',
      '{}',
      '{"input":0,"output":0,"cached":null,"total":0}',
      '{"x":1}',
      '{}',
      '[]',
      null,
      0,
      '2025-10-02 09:00:00',
    );
    const transition = db.prepare(
      'INSERT INTO transitions (id, execution_id, node_id, phase, seq, payload) VALUES (?, ?, ?, ?, ?, ?)',
    );
    transition.run(
      'exec_1:1',
      'exec_1',
      null,
      'execution_started',
      1,
      '{"event_type":"execution_started","data":{}}',
    );
    transition.run(
      'exec_1:2',
      'exec_1',
      'n1',
      'node_completed',
      2,
      '{"event_type":"node_completed","data":{"output":1}}',
    );
    db.prepare(
      'INSERT INTO messages (id, execution_id, node_id, person_id, content, token_count) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      'exec_1:n1:1759309200.5',
      'exec_1',
      'n1',
      'alice',
      '{"role":"assistant","content":"done"}',
      7,
    );
  },
  multishot(db) {
    db.prepare('INSERT INTO runs (id, name, created_at, status) VALUES (?, ?, ?, ?)').run(
      'run-1',
      'Landing page',
      1750000000000,
      'active',
    );
    db.prepare(
      'INSERT INTO rounds (id, run_id, round_number, base_prompt, created_at, status) VALUES (?, ?, ?, ?, ?, ?)',
    ).run('round-1', 'run-1', 1, 'Build a landing page', 1750000001000, 'selecting');
    const agent = db.prepare(
      'INSERT INTO agents (id, round_id, agent_number, sandbox_id, variation_prompt, status, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    agent.run(
      'agent-1',
      'round-1',
      1,
      'sb-1',
      'minimal',
      'completed',
      1750000002000,
      1750000100000,
    );
    agent.run('agent-2', 'round-1', 2, null, 'bold', 'failed', 1750000002000, null);
    db.prepare('UPDATE rounds SET winner_agent_id = ?, winner_files_path = ? WHERE id = ?').run(
      'agent-1',
      '~/.multishot/runs/run-1/round-1-winner/',
      'round-1',
    );
    db.prepare('UPDATE runs SET current_round_id = ? WHERE id = ?').run('round-1', 'run-1');
    db.prepare('INSERT INTO output_logs VALUES (?, ?, ?, ?)').run(
      'log-1',
      'agent-1',
      1750000050000,
      'npm install\n',
    );
    db.prepare('INSERT INTO credentials VALUES (?, ?, ?)').run(
      'openai',
      'keychain:multishot/openai',
      1750000000000,
    );
  },
  engine(db) {
    db.prepare(
      'INSERT INTO sessions (id, claude_session_id, conversation_id, role, mode, current_state, started_at, context_warning_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      'sess-1',
      'c-1',
      'conv-1',
      'chief',
      'interactive',
      'active',
      '2026-01-17T09:00:00+00:00',
      70,
    );
    db.prepare('INSERT INTO sessions (id, role, started_at, ended_at) VALUES (?, ?, ?, ?)').run(
      'sess-2',
      'system',
      '2026-01-17T08:00:00+00:00',
      '2026-01-17T08:30:00+00:00',
    );
    db.prepare('INSERT INTO contacts (id, name, phone, created_at) VALUES (?, ?, ?, ?)').run(
      'ct-1',
      'Ada',
      '+15550100',
      '2026-01-01T00:00:00Z',
    );
    db.prepare('INSERT INTO contact_tags VALUES (?, ?)').run('ct-1', 'family');
    db.prepare(
      'INSERT INTO scheduled_missions (id, name, slug, prompt, schedule_type, schedule_cron, next_run, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      'sm-1',
      'Morning brief',
      'morning-brief',
      'missions/brief.md',
      'cron',
      '0 7 * * *',
      '2026-01-18T07:00:00Z',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00Z',
    );
    db.prepare(
      'INSERT INTO missions (id, mission_id, started_at, status, session_id) VALUES (?, ?, ?, ?, ?)',
    ).run('mx-1', 'sm-1', '2026-01-17T07:00:00Z', 'completed', 'sess-2');
    db.prepare('INSERT INTO pings (id, session_id, message, created_at) VALUES (?, ?, ?, ?)').run(
      'a1b2c3d4',
      'sess-1',
      'Build finished',
      '2026-01-17T09:10:00Z',
    );
    db.prepare(
      'INSERT INTO priorities (id, content, level, date, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      'pr-1',
      'Ship it',
      'critical',
      '2026-01-17',
      0,
      '2026-01-17T00:00:00Z',
      '2026-01-17T00:00:00Z',
    );
    db.prepare(
      'INSERT INTO workers (id, session_id, primitive, status, instructions, dedupe_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      'w-1',
      'sess-1',
      'research',
      'pending',
      'Find flights',
      'h-1',
      '2026-01-17T09:00:00Z',
      '2026-01-17T09:00:00Z',
    );
    db.prepare(
      'INSERT INTO staged_content (id, title, content, worker_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run('st-1', 'Flights', '# Options', 'w-1', '2026-01-17T09:05:00Z', '2026-01-17T09:05:00Z');
    const notification = db.prepare(
      'INSERT INTO session_notifications (id, session_id, notification_type, entity_id, notified_at) VALUES (?, ?, ?, ?, ?)',
    );
    notification.run('n-1', 'sess-1', 'worker_complete', 'w-0', '2026-01-16 10:00:00');
    notification.run('n-2', 'sess-2', 'worker_complete', 'w-9', '2026-01-16 11:00:00');
  },
};

const expectations: Record<
  Exclude<OriginalTool, 'engine-claude-os' | 'dipeo-execution-states'>,
  { baseline: string; foreignRows: number }
> = {
  mcpmaker: { baseline: '0000_initial_schema', foreignRows: 0 },
  pokecode: { baseline: '0001_add_devices_and_last_message_sent_at', foreignRows: 2 },
  dipeo: { baseline: '0000_initial_schema', foreignRows: 0 },
  multishot: { baseline: '0000_initial_schema', foreignRows: 0 },
  engine: { baseline: '0002_context_warning_tracking', foreignRows: 0 },
};

/** Table renames by later migrations: engine's 0003 moves session_notifications rows over. */
const movedTables: Record<string, string> = { session_notifications: 'conversation_notifications' };

describe.each(Object.keys(seeds) as Array<keyof typeof seeds>)(
  'adopting a %s database the original tool made',
  (tool) => {
    it('keeps every row and value, reaches the exact schema, records the migrations, and is a no-op the second time', async () => {
      const dir = tempDir();
      const path = buildOriginalDatabase(dir, tool, seeds[tool]);
      const name = tool;
      const migrations = loadMigrations(name);
      const reader = new SqliteDatabase(path, { readonly: true });
      const before = snapshotRows(reader);
      reader.close();
      expect([...before.values()].some((rows) => rows.size > 0)).toBe(true);

      const status = await databaseStatus(name, { path });
      expect(status.state).toBe('adoptable');
      expect(status.baseline).toBe(expectations[tool].baseline);

      const result = await adoptAndMigrate(name, { path, ...quiet });
      expect(result.stateBefore).toBe('adoptable');
      expect(result.adoption?.adopted).toBe(true);
      expect(result.adoption?.baseline).toBe(expectations[tool].baseline);
      expect(result.adoption?.foreignHistory).toHaveLength(expectations[tool].foreignRows);
      expect(result.adoption?.backupPath && existsSync(result.adoption.backupPath)).toBe(true);
      const baselineIndex = migrations.findIndex((m) => m.tag === expectations[tool].baseline);
      expect(result.migration.applied).toEqual(
        migrations.slice(baselineIndex + 1).map((m) => m.tag),
      );

      const db = new SqliteDatabase(path, { readonly: true });
      const after = snapshotRows(db);
      for (const [table, rows] of before) {
        const target = after.get(table) ?? after.get(movedTables[table] ?? '');
        expect(target, `${table} or where its rows went`).toBeDefined();
        for (const [key, values] of rows) {
          const now = target!.get(key);
          expect(now, `${table} row ${key}`).toBeDefined();
          // Moved rows keep their shared columns; others keep every column they had.
          for (const [column, value] of Object.entries(values)) {
            if (column in now!) expect(now![column], `${table}.${column} of ${key}`).toBe(value);
            else expect(target).not.toBe(after.get(table));
          }
        }
      }

      const fresh = await openDatabase(name, { path: ':memory:', migrate: quiet });
      expect(comparableSchema(readLiveSchema(db))).toEqual(
        comparableSchema(readLiveSchema(fresh.sqlite)),
      );
      fresh.close();
      expect(readAppliedMigrations(db).map((m) => m.hash)).toEqual(migrations.map((m) => m.hash));
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();

      const backups = readdirSync(join(dir, 'backups'));
      const fingerprint = sha256File(path);
      const again = await adoptAndMigrate(name, { path, ...quiet });
      expect(again.stateBefore).toBe('managed');
      expect(again.adoption).toBeUndefined();
      expect(again.migration.applied).toEqual([]);
      expect(sha256File(path)).toBe(fingerprint);
      expect(readdirSync(join(dir, 'backups'))).toEqual(backups);
      expect((await databaseStatus(name, { path })).state).toBe('managed');
    });
  },
);

describe('PokéCode migration history', () => {
  it('is kept for audit in its own table, and replaced by agentstate migrations, in one step', async () => {
    const path = buildOriginalDatabase(tempDir(), 'pokecode', seeds.pokecode);
    const original = new SqliteDatabase(path, { readonly: true });
    const theirs = original.prepare('SELECT id, hash, created_at FROM __drizzle_migrations').all();
    original.close();
    expect(theirs).toHaveLength(2);

    await adoptAndMigrate('pokecode', { path, ...quiet });
    const db = new SqliteDatabase(path, { readonly: true });
    expect(
      db.prepare(`SELECT id, hash, created_at FROM ${ADOPTED_MIGRATIONS_TABLE}`).all(),
    ).toEqual(theirs);
    expect(db.prepare(`SELECT created_at FROM ${ADOPTED_MIGRATIONS_TABLE}`).pluck().all()).toEqual([
      1757299084985, 1757433159312,
    ]);
    const recorded = readAppliedMigrations(db).map((m) => m.hash);
    expect(recorded).toEqual(loadMigrations('pokecode').map((m) => m.hash));
    expect(
      recorded.some((hash) => theirs.some((row) => (row as { hash: string }).hash === hash)),
    ).toBe(false);
    db.close();
  });
});

describe('the engine’s deprecated session_notifications', () => {
  it('are carried into conversation_notifications by the migrations that follow the baseline', async () => {
    const path = buildOriginalDatabase(tempDir(), 'engine', seeds.engine);
    await adoptAndMigrate('engine', { path, ...quiet });
    const db = new SqliteDatabase(path, { readonly: true });
    expect(
      db
        .prepare(
          'SELECT id, conversation_id, entity_id, notified_at, session_id FROM conversation_notifications ORDER BY id',
        )
        .all(),
    ).toEqual([
      {
        id: 'n-1',
        conversation_id: 'conv-1',
        entity_id: 'w-0',
        notified_at: '2026-01-16 10:00:00',
        session_id: 'sess-1',
      },
      {
        id: 'n-2',
        conversation_id: 'sess-2',
        entity_id: 'w-9',
        notified_at: '2026-01-16 11:00:00',
        session_id: 'sess-2',
      },
    ]);
    expect(
      db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'session_notifications'").get(),
    ).toBeUndefined();
    db.close();
  });
});
