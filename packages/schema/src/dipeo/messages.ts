import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sqliteDateTime } from '../columns.ts';
import type { MessageContent } from './shapes.ts';

/** LLM conversation turns of an execution. `id` is `<execution_id>:<node_id>:<utc timestamp>`. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    executionId: text('execution_id').notNull(),
    nodeId: text('node_id').notNull(),
    personId: text('person_id'),
    content: text('content', { mode: 'json' }).$type<MessageContent>().notNull(),
    tokenCount: integer('token_count'),
    createdAt: sqliteDateTime('created_at', { sqlType: 'timestamp' }).default(
      sql`CURRENT_TIMESTAMP`,
    ),
  },
  (t) => [index('idx_execution').on(t.executionId), index('idx_node').on(t.nodeId)],
);
