import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseNames } from '../src/registry.ts';
import { embeddedMigrations, migrationsFolder } from '../src/migrations.ts';
import { applyMigrations, migratedFile, tempDir } from './helpers.ts';

describe('embedded migrations', () => {
  it.each(databaseNames)(
    '%s: same order, text and hashes as drizzle-orm reads from the folder',
    (name) => {
      const fromFolder = readMigrationFiles({ migrationsFolder: migrationsFolder(name) });
      const embedded = embeddedMigrations[name];
      expect(embedded.length).toBeGreaterThan(0);
      expect(embedded.map((m) => ({ hash: m.hash, when: m.when }))).toEqual(
        fromFolder.map((m) => ({ hash: m.hash, when: m.folderMillis })),
      );
      expect(embedded.map((m) => m.idx)).toEqual(embedded.map((_, i) => i));
    },
  );
});

describe('pokecode history', () => {
  it('is the initial schema, then devices and last_message_sent_at, then job leases, then claims through the status index, then the unused provider index dropped, then full-text search, then job progress', () => {
    expect(embeddedMigrations.pokecode.map((m) => m.tag)).toEqual([
      '0000_initial_schema',
      '0001_add_devices_and_last_message_sent_at',
      '0002_add_job_leases',
      '0003_claim_through_status_index',
      '0004_drop_unused_provider_index',
      '0005_full_text_search',
      '0006_job_progress',
    ]);
    const db = migratedFile('pokecode', 1);
    const columns = (db.pragma('table_info(sessions)') as Array<{ name: string }>).map(
      (c) => c.name,
    );
    expect(columns).not.toContain('last_message_sent_at');
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'devices'").get(),
    ).toEqual({ n: 0 });

    // A session written by the first version keeps every value through the second migration.
    db.prepare(
      `INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at, message_count)
       VALUES ('s1', 'claude-code', '/p', 'n', 1, 2, 3, 7)`,
    ).run();
    applyMigrations(db, 'pokecode', { from: 1 });
    expect(db.prepare('SELECT * FROM sessions').get()).toMatchObject({
      id: 's1',
      message_count: 7,
      last_message_sent_at: null,
    });
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'devices'").get(),
    ).toEqual({ n: 1 });
    db.close();
  });

  it('keeps queued jobs through the lease migration, with no lease held', () => {
    const db = migratedFile('pokecode', 2);
    db.prepare(
      `INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, created_at)
       VALUES ('j1', 's1', 'p1', 'claude-code', 'processing', '{}', 5)`,
    ).run();
    applyMigrations(db, 'pokecode', { from: 2 });
    expect(db.prepare('SELECT * FROM job_queue').get()).toMatchObject({
      id: 'j1',
      status: 'processing',
      created_at: 5,
      lease_owner: null,
      lease_token: null,
      lease_expires_at: null,
    });
    db.close();
  });
});

describe('engine history', () => {
  const tags = () => embeddedMigrations.engine.map((m) => m.tag);

  it('replaces session_notifications with conversation_notifications, dropping it last', () => {
    expect(tags()).toEqual([
      '0000_initial_schema',
      '0001_conversation_notifications',
      '0002_context_warning_tracking',
      '0003_drop_session_notifications',
      '0004_add_worker_leases',
      '0005_recover_leases_through_status_index',
      '0006_drop_redundant_status_index',
      '0007_full_text_search',
      '0008_worker_progress',
    ]);
  });

  it('carries every notification over, including ones written after the new table appeared', () => {
    const path = join(tempDir(), 'system.db');
    const db = new Database(path);
    db.pragma('foreign_keys = ON');
    applyMigrations(db, 'engine', { to: 1 });
    const session = db.prepare(
      "INSERT INTO sessions (id, conversation_id, role, started_at) VALUES (?, ?, 'chief', '2026-01-01T00:00:00Z')",
    );
    session.run('sessA', 'chief-2026-01-01');
    session.run('sessB', 'chief-2026-01-01'); // same conversation after a context reset
    session.run('sessC', null); // no conversation: the session is its own
    const notify = db.prepare(
      'INSERT INTO session_notifications (id, session_id, notification_type, entity_id, notified_at) VALUES (?, ?, ?, ?, ?)',
    );
    notify.run('n1', 'sessA', 'worker_complete', 'w1', '2026-01-01 10:00:00');
    notify.run('n2', 'sessB', 'worker_complete', 'w1', '2026-01-01 11:00:00'); // duplicate for the conversation
    notify.run('n3', 'sessC', 'worker_complete', 'w2', '2026-01-01 12:00:00');

    applyMigrations(db, 'engine', { from: 1, to: 2 });
    // An older writer still using the deprecated table between 0001 and the drop.
    notify.run('n4', 'sessB', 'context_warning', 'sessB', '2026-01-02 09:00:00');
    applyMigrations(db, 'engine', { from: 2 });

    expect(
      db
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'session_notifications'")
        .get(),
    ).toEqual({ n: 0 });
    expect(
      db
        .prepare(
          'SELECT id, conversation_id, notification_type, entity_id, notified_at, session_id FROM conversation_notifications ORDER BY id',
        )
        .all(),
    ).toEqual([
      {
        id: 'n1',
        conversation_id: 'chief-2026-01-01',
        notification_type: 'worker_complete',
        entity_id: 'w1',
        notified_at: '2026-01-01 10:00:00',
        session_id: 'sessA',
      },
      {
        id: 'n3',
        conversation_id: 'sessC',
        notification_type: 'worker_complete',
        entity_id: 'w2',
        notified_at: '2026-01-01 12:00:00',
        session_id: 'sessC',
      },
      {
        id: 'n4',
        conversation_id: 'chief-2026-01-01',
        notification_type: 'context_warning',
        entity_id: 'sessB',
        notified_at: '2026-01-02 09:00:00',
        session_id: 'sessB',
      },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
