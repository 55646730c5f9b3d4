import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localTimestamps } from '@agentstate/schema';
import { openDatabase, type DatabaseHandle } from '../src/index.ts';
import { pruneDatabase } from '../src/maintenance/prune-database.ts';
import { tempDir } from './helpers/fixtures.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

async function database(name: 'pokecode' | 'dipeo' | 'engine' | 'mcpmaker') {
  const path = join(tempDir(), `${name}.db`);
  const handle = await openDatabase(name, { path, migrate: { log: () => {} } });
  return { path, handle };
}

const ids = (handle: DatabaseHandle, table: string) =>
  (
    handle.sqlite.prepare(`SELECT rowid, * FROM "${table}" ORDER BY 2`).all() as Array<{
      id: string;
    }>
  ).map((r) => r.id);

describe('prune pokecode', () => {
  async function fixture() {
    const { path, handle } = await database('pokecode');
    const s = handle.sqlite;
    s.prepare(
      "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at, current_job_id) VALUES ('s1', 'claude-code', '/p', 'one', ?, ?, ?, 'old-done')",
    ).run(seconds(daysAgo(90)), seconds(daysAgo(90)), seconds(daysAgo(90)));
    const job = s.prepare(
      'INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, created_at, completed_at) VALUES (?, \'s1\', \'p\', \'claude-code\', ?, \'{"prompt":"x","projectPath":"/p"}\', ?, ?)',
    );
    job.run('old-done', 'completed', seconds(daysAgo(60)), seconds(daysAgo(40)));
    job.run('old-failed', 'failed', seconds(daysAgo(60)), null); // no completed_at: created_at counts
    job.run('old-cancelled', 'cancelled', seconds(daysAgo(45)), seconds(daysAgo(45)));
    job.run('recent-done', 'completed', seconds(daysAgo(60)), seconds(daysAgo(10)));
    job.run('old-pending', 'pending', seconds(daysAgo(90)), null);
    job.run('old-processing', 'processing', seconds(daysAgo(90)), null);
    return { path, handle };
  }

  it('removes exactly the finished jobs past retention, clears references to them, and backs up first', async () => {
    const { path, handle } = await fixture();
    handle.close();
    const dry = await pruneDatabase('pokecode', path, { now: NOW, dryRun: true });
    const report = await pruneDatabase('pokecode', path, { now: NOW });
    expect(report.steps.map((s) => [s.table, s.rows])).toEqual([
      ['sessions', 1],
      ['job_queue', 3],
    ]);
    expect(dry.steps).toEqual(report.steps);
    const after = await openDatabase('pokecode', { path, migrate: false });
    expect(ids(after, 'job_queue').sort()).toEqual([
      'old-pending',
      'old-processing',
      'recent-done',
    ]);
    expect(
      after.sqlite.prepare("SELECT current_job_id FROM sessions WHERE id = 's1'").pluck().get(),
    ).toBeNull();
    after.close();
    expect(
      readdirSync(join(path, '..', 'backups')).some((f) => f.endsWith('.before-prune.bak')),
    ).toBe(true);
  });

  it('--dry-run changes nothing and --older-than overrides the rule', async () => {
    const { path, handle } = await fixture();
    handle.close();
    const dry = await pruneDatabase('pokecode', path, {
      now: NOW,
      dryRun: true,
      olderThanMs: 5 * DAY,
    });
    expect(dry.steps.find((s) => s.table === 'job_queue')!.rows).toBe(4);
    const after = await openDatabase('pokecode', { path, migrate: false });
    expect(ids(after, 'job_queue')).toHaveLength(6);
    after.close();
  });
});

describe('prune dipeo', () => {
  it('removes old executions with their transitions and messages, and old orphans, leaving none', async () => {
    const { path, handle } = await database('dipeo');
    const s = handle.sqlite;
    const execution = s.prepare(
      "INSERT INTO executions (execution_id, status, started_at, node_states, node_outputs, llm_usage, variables) VALUES (?, 'completed', ?, '{}', '{}', '{\"input\":0,\"output\":0}', '{}')",
    );
    execution.run('old', daysAgo(8).toISOString());
    execution.run('new', daysAgo(2).toISOString());
    // Python's isoformat() without a zone, as the original wrote it, is old too.
    execution.run('old-local', '2025-05-20T10:00:00.123456');
    const transition = s.prepare(
      'INSERT INTO transitions (id, execution_id, phase, seq, payload, created_at) VALUES (?, ?, \'execution_log\', ?, \'{"event_type":"execution_log","data":{}}\', ?)',
    );
    const message = s.prepare(
      'INSERT INTO messages (id, execution_id, node_id, content, created_at) VALUES (?, ?, \'n\', \'{"role":"user","content":"hi"}\', ?)',
    );
    for (const [exec, when] of [
      ['old', 8],
      ['new', 2],
      ['old-local', 12],
      ['gone', 30],
      ['not-yet-saved', 0],
    ] as const) {
      const at = daysAgo(when).toISOString().slice(0, 19).replace('T', ' ');
      transition.run(`${exec}:1`, exec, 1, at);
      transition.run(`${exec}:2`, exec, 2, at);
      message.run(`${exec}:n:1`, exec, at);
    }
    handle.close();

    const report = await pruneDatabase('dipeo', path, { now: NOW });
    expect(report.steps.map((step) => `${step.table} ${step.rows} ${step.what}`)).toEqual([
      'transitions 4 transitions of pruned executions',
      'messages 2 messages of pruned executions',
      'transitions 2 orphan transitions older than the cutoff',
      'messages 1 orphan messages older than the cutoff',
      'executions 2 executions started before the cutoff',
    ]);
    const after = await openDatabase('dipeo', { path, migrate: false });
    expect(after.sqlite.prepare('SELECT execution_id FROM executions').pluck().all()).toEqual([
      'new',
    ]);
    expect(
      after.sqlite
        .prepare('SELECT DISTINCT execution_id FROM transitions ORDER BY 1')
        .pluck()
        .all(),
    ).toEqual(['new', 'not-yet-saved']);
    expect(
      after.sqlite.prepare('SELECT DISTINCT execution_id FROM messages ORDER BY 1').pluck().all(),
    ).toEqual(['new', 'not-yet-saved']);
    // No orphans older than the cutoff remain.
    const orphans = after.sqlite
      .prepare(
        'SELECT count(*) FROM transitions WHERE execution_id NOT IN (SELECT execution_id FROM executions) AND julianday(created_at) < julianday(?)',
      )
      .pluck()
      .get(daysAgo(7).toISOString());
    expect(orphans).toBe(0);
    after.close();
  });
  it("reads DiPeO's zone-less local started_at in the zone given: 3 hours past the cutoff in Seoul is old", async () => {
    const { path, handle } = await database('dipeo');
    const insert = handle.sqlite.prepare(
      "INSERT INTO executions (execution_id, status, started_at, node_states, node_outputs, llm_usage, variables) VALUES (?, 'completed', ?, '{}', '{}', '{\"input\":0,\"output\":0}', '{}')",
    );
    const seoul = localTimestamps('Asia/Seoul');
    // Started 7 days and 3 hours before NOW, written as DiPeO in Seoul writes it (UTC+9): read as
    // UTC that text would be 6 hours younger than the cutoff, and kept.
    insert.run('old-in-seoul', seoul.format(daysAgo(7).getTime() - 3 * 3_600_000));
    insert.run('young-in-seoul', seoul.format(daysAgo(7).getTime() + 3 * 3_600_000));
    // Text with a zone is read at that zone, whatever the local zone.
    insert.run('old-utc', new Date(daysAgo(7).getTime() - 60_000).toISOString());
    handle.close();

    const dry = await pruneDatabase('dipeo', path, {
      now: NOW,
      dryRun: true,
      timeZone: 'Asia/Seoul',
    });
    expect(dry.steps.find((step) => step.table === 'executions')?.rows).toBe(2);
    const utc = await pruneDatabase('dipeo', path, { now: NOW, dryRun: true, timeZone: 'UTC' });
    // In UTC, the Seoul text of 'young-in-seoul' is 12 hours younger still; 'old-in-seoul' reads as
    // 6 hours younger than the cutoff: only 'old-utc' is old.
    expect(utc.steps.find((step) => step.table === 'executions')?.rows).toBe(1);

    await pruneDatabase('dipeo', path, { now: NOW, timeZone: 'Asia/Seoul', log: () => {} });
    const after = await openDatabase('dipeo', { path, migrate: false });
    expect(
      after.sqlite.prepare('SELECT execution_id FROM executions ORDER BY 1').pluck().all(),
    ).toEqual(['young-in-seoul']);
    after.close();
  });
});

describe('prune engine and the databases without a rule', () => {
  it('removes old notifications and old finished workers, clearing staged content that pointed at them', async () => {
    const { path, handle } = await database('engine');
    const s = handle.sqlite;
    s.prepare("INSERT INTO sessions (id, role, started_at) VALUES ('s', 'chief', ?)").run(
      daysAgo(100).toISOString(),
    );
    const worker = s.prepare(
      "INSERT INTO workers (id, session_id, primitive, status, instructions, created_at, updated_at, completed_at) VALUES (?, 's', 'research', ?, 'x', ?, ?, ?)",
    );
    worker.run(
      'w-old-done',
      'complete',
      daysAgo(60).toISOString(),
      daysAgo(60).toISOString(),
      daysAgo(59).toISOString(),
    );
    worker.run(
      'w-old-cancelled',
      'cancelled',
      daysAgo(60).toISOString(),
      daysAgo(50).toISOString(),
      null,
    );
    worker.run(
      'w-recent',
      'failed',
      daysAgo(60).toISOString(),
      daysAgo(1).toISOString(),
      daysAgo(1).toISOString(),
    );
    worker.run(
      'w-old-pending',
      'pending',
      daysAgo(60).toISOString(),
      daysAgo(60).toISOString(),
      null,
    );
    s.prepare(
      "INSERT INTO staged_content (id, title, content, worker_id, created_at, updated_at) VALUES ('c', 't', 'x', 'w-old-done', ?, ?)",
    ).run(NOW.toISOString(), NOW.toISOString());
    const notification = s.prepare(
      "INSERT INTO conversation_notifications (id, conversation_id, notification_type, entity_id, notified_at) VALUES (?, 'chief', 'worker_complete', ?, ?)",
    );
    notification.run('n-old', 'w-old-done', '2025-04-01 00:00:00');
    notification.run('n-new', 'w-recent', '2025-05-31 00:00:00');
    handle.close();

    const report = await pruneDatabase('engine', path, { now: NOW });
    expect(report.steps.map((step) => [step.table, step.rows])).toEqual([
      ['conversation_notifications', 1],
      ['staged_content', 1],
      ['workers', 2],
    ]);
    const after = await openDatabase('engine', { path, migrate: false });
    expect(ids(after, 'workers').sort()).toEqual(['w-old-pending', 'w-recent']);
    expect(ids(after, 'conversation_notifications')).toEqual(['n-new']);
    expect(after.sqlite.prepare('SELECT worker_id FROM staged_content').pluck().get()).toBeNull();
    expect(after.sqlite.pragma('foreign_key_check')).toEqual([]);
    after.close();
  });

  it('says so for mcpmaker, removes nothing, and still checkpoints', async () => {
    const { path, handle } = await database('mcpmaker');
    handle.close();
    const report = await pruneDatabase('mcpmaker', path, { now: NOW, vacuum: true });
    expect(report.noRule).toMatch(/no retention rule/);
    expect(report.steps).toEqual([]);
    expect(report.vacuumed).toBe(true);
  });
});
