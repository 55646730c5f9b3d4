import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agents } from './agents.ts';

export const outputLogs = sqliteTable(
  'output_logs',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    timestamp: integer('timestamp', { mode: 'timestamp_ms' }).notNull(),
    content: text('content').notNull(),
  },
  (t) => [index('idx_logs_agent_id').on(t.agentId)],
);
