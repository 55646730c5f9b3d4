import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sqliteDateTime } from '../columns.ts';
import type { Correlation, DomEvent, NetworkEvent } from './shapes.ts';
import { workflows } from './workflows.ts';

/** A recording of one browser session. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').references(() => workflows.id),
    workflowName: text('workflow_name').notNull(),
    url: text('url').notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }).notNull(),
    domEvents: text('dom_events', { mode: 'json' })
      .$type<DomEvent[]>()
      .notNull()
      .default(sql`'[]'`),
    networkEvents: text('network_events', { mode: 'json' })
      .$type<NetworkEvent[]>()
      .notNull()
      .default(sql`'[]'`),
    correlations: text('correlations', { mode: 'json' })
      .$type<Correlation[]>()
      .notNull()
      .default(sql`'[]'`),
    createdAt: sqliteDateTime('created_at')
      .notNull()
      .default(sql`(datetime('now'))`),
  },
  (t) => [index('idx_sessions_workflow_id').on(t.workflowId)],
);
