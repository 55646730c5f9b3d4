import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';
import { workerStatuses } from './constants.ts';
import { sessions } from './sessions.ts';

/** Background workers spawned by a session: a small job queue. */
export const workers = sqliteTable(
  'workers',
  {
    /** 8-character id. */
    id: text('id').primaryKey(),
    /** The session that spawned the worker; kept as null when that session is deleted. */
    sessionId: text('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    /** What kind of work: research, analyze, organize, ... (open set). */
    primitive: text('primitive').notNull(),
    status: text('status', { enum: workerStatuses }).notNull().default('pending'),
    instructions: text('instructions').notNull(),
    /** Output directory. */
    workspacePath: text('workspace_path'),
    /** Higher runs first. */
    priority: integer('priority').notNull().default(0),
    /** Failed attempts so far. */
    retryCount: integer('retry_count').notNull().default(0),
    maxRetries: integer('max_retries').notNull().default(3),
    /** Earliest time to run; null = now. */
    executeAt: isoDateTime('execute_at'),
    /** Earliest time to retry after a failure. */
    retryAt: isoDateTime('retry_at'),
    /**
     * Identifies the same request scheduled twice. Unique while set; a finished worker's hash is
     * cleared so the same work can be scheduled again.
     */
    dedupeHash: text('dedupe_hash').unique('ux_workers_dedupe_hash'),
    lastError: text('last_error'),
    createdAt: isoDateTime('created_at').notNull(),
    updatedAt: isoDateTime('updated_at').notNull(),
    startedAt: isoDateTime('started_at'),
    completedAt: isoDateTime('completed_at'),
    // Leases: a running worker holds its row until `lease_expires_at`; `lease_token` fences off a
    // stale process whose lease expired and was claimed again.
    leaseOwner: text('lease_owner'),
    leaseToken: text('lease_token'),
    leaseExpiresAt: isoDateTime('lease_expires_at'),
    /** What the running worker last reported through its worker's `progress(n)`, in its own unit. */
    progress: real('progress'),
  },
  (t) => [
    // The original's idx_workers_status (status) is dropped: idx_workers_ready starts with status
    // and serves every status seek, and the copy cost a page on each insert and status change.
    index('idx_workers_ready').on(t.status, t.executeAt),
    index('idx_workers_session').on(t.sessionId),
    // Runnable order (priority, then execute_at) off a covering index of pending rows only.
    index('idx_workers_claim')
      .on(sql`${t.priority} desc`, t.executeAt, t.retryAt)
      .where(sql`${t.status} = 'pending'`),
    // Expired leases are found in the `running` range of idx_workers_ready, as short as the
    // number of running workers: a lease index would cost a page on every claim and completion.
  ],
);
