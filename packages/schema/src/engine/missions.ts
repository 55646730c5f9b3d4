import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';
import { missionRunStatuses } from './constants.ts';
import { scheduledMissions } from './scheduled-missions.ts';
import { sessions } from './sessions.ts';

/** Mission execution history: one row per run of a scheduled mission. */
export const missions = sqliteTable(
  'missions',
  {
    id: text('id').primaryKey(),
    missionId: text('mission_id')
      .notNull()
      .references(() => scheduledMissions.id, { onDelete: 'cascade' }),
    startedAt: isoDateTime('started_at').notNull(),
    endedAt: isoDateTime('ended_at'),
    status: text('status', { enum: missionRunStatuses }).notNull().default('running'),
    sessionId: text('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    transcriptPath: text('transcript_path'),
    outputSummary: text('output_summary'),
    errorMessage: text('error_message'),
    durationSeconds: integer('duration_seconds'),
  },
  (t) => [
    index('idx_missions_mission_id').on(t.missionId),
    index('idx_missions_status').on(t.status),
    index('idx_missions_started_at').on(sql`${t.startedAt} desc`),
  ],
);
