import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { jobStatuses, providers } from './constants.ts';
import type { PromptJobData } from './shapes.ts';

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
    createdAt: integer('created_at', { mode: 'timestamp' })
      .notNull()
      .$defaultFn(() => new Date()),
    startedAt: integer('started_at', { mode: 'timestamp' }),
    completedAt: integer('completed_at', { mode: 'timestamp' }),
    error: text('error'),
    nextRetryAt: integer('next_retry_at', { mode: 'timestamp' }),
  },
  (t) => [
    index('idx_job_queue_status').on(t.status),
    index('idx_job_queue_next_retry').on(t.nextRetryAt),
    index('idx_job_queue_session_id').on(t.sessionId),
    index('idx_job_queue_created_at').on(t.createdAt),
    index('idx_job_queue_provider').on(t.provider),
  ],
);
