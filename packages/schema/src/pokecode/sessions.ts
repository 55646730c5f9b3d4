import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { providers, sessionStates } from './constants.ts';
import type { SessionMetadata } from './shapes.ts';
import { createdAt, updatedAt } from './timestamps.ts';

// Timestamps are Unix seconds (`mode: 'timestamp'`), defaulted in JS as in the original, so the
// DDL carries no default for them.
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    provider: text('provider', { enum: providers }).notNull(),
    projectPath: text('project_path').notNull(),
    name: text('name').notNull(),
    context: text('context'),
    claudeDirectoryPath: text('claude_directory_path'),
    metadata: text('metadata', { mode: 'json' }).$type<SessionMetadata>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastAccessedAt: integer('last_accessed_at', { mode: 'timestamp' })
      .notNull()
      .$defaultFn(() => new Date()),
    isWorking: integer('is_working', { mode: 'boolean' }).notNull().default(false),
    currentJobId: text('current_job_id'),
    lastJobStatus: text('last_job_status'),
    messageCount: integer('message_count').notNull().default(0),
    tokenCount: integer('token_count').notNull().default(0),
    lastMessageSentAt: integer('last_message_sent_at', { mode: 'timestamp' }),
    state: text('state', { enum: sessionStates }).notNull().default('active'),
  },
  (t) => [
    index('idx_sessions_last_accessed').on(t.lastAccessedAt),
    index('idx_sessions_is_working').on(t.isWorking),
    index('idx_sessions_last_message_sent').on(t.lastMessageSentAt),
  ],
);
