import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { jobStatuses, providers } from './constants.ts';
import type { PromptJobData } from './shapes.ts';
import { createdAt } from './timestamps.ts';

/**
 * Prompt jobs. `session_id` has no foreign key, as in the original: a job's row stays for
 * retention after its session is gone.
 */
export const jobQueue = sqliteTable(
  'job_queue',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id').notNull(),
    promptId: text('prompt_id').notNull(),
    provider: text('provider', { enum: providers }).notNull(),
    status: text('status', { enum: jobStatuses }).notNull().default('pending'),
    data: text('data', { mode: 'json' }).$type<PromptJobData>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    createdAt: createdAt(),
    startedAt: integer('started_at', { mode: 'timestamp' }),
    completedAt: integer('completed_at', { mode: 'timestamp' }),
    error: text('error'),
    nextRetryAt: integer('next_retry_at', { mode: 'timestamp' }),
    // Leases (not in the original, whose crashed jobs stayed `processing` forever): a claim holds
    // the job until `lease_expires_at`; a worker proves it still owns the job with `lease_token`.
    /** Who holds the lease: the claiming worker's name. */
    leaseOwner: text('lease_owner'),
    /** Fencing token of the current claim; a stale worker's token no longer matches. */
    leaseToken: text('lease_token'),
    /** Milliseconds: leases are seconds long, finer than the table's second timestamps. */
    leaseExpiresAt: integer('lease_expires_at', { mode: 'timestamp_ms' }),
    /** What the running job last reported through its worker's `progress(n)`, in its own unit. */
    progress: real('progress'),
  },
  // Only the seed's four indexes: claims walk idx_job_queue_status (status, rowid) in FIFO order
  // and lease recovery reads its `processing` range, so a state change writes no extra index page.
  // The original's idx_job_queue_provider (no query reads it; a page on every enqueue) is dropped.
  (t) => [
    index('idx_job_queue_status').on(t.status),
    index('idx_job_queue_next_retry').on(t.nextRetryAt),
    index('idx_job_queue_session_id').on(t.sessionId),
    index('idx_job_queue_created_at').on(t.createdAt),
  ],
);
