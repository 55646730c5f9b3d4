import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { playbackOutcomes } from './constants.ts';
import type { PlaybackData } from './shapes.ts';

/**
 * One playback run. `workflow_id` has no foreign key (as in the seed): the log outlives the
 * workflow so that insights for a site keep accumulating.
 */
export const playbackLogs = sqliteTable(
  'playback_logs',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    sitePattern: text('site_pattern').notNull().default(''),
    timestamp: integer('timestamp', { mode: 'timestamp_ms' }).notNull(),
    data: text('data', { mode: 'json' })
      .$type<PlaybackData>()
      .notNull()
      .default(sql`'{}'`),
    outcome: text('outcome', { enum: playbackOutcomes }).notNull().default('partial'),
    /** Summary of what worked, written by the model after the run. */
    insights: text('insights'),
  },
  (t) => [
    index('idx_playback_logs_workflow').on(t.workflowId),
    index('idx_playback_logs_site').on(t.sitePattern),
  ],
);
