import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';
import { missionOutcomes, promptTypes, scheduleTypes } from './constants.ts';
import type { ScheduleDays } from './shapes.ts';

/** Mission definitions and their schedules. */
export const scheduledMissions = sqliteTable(
  'scheduled_missions',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique('ux_scheduled_missions_slug'),
    description: text('description'),
    promptType: text('prompt_type', { enum: promptTypes }).notNull().default('file'),
    /** A prompt file path (`file`) or the prompt itself (`inline`). */
    prompt: text('prompt').notNull(),
    scheduleType: text('schedule_type', { enum: scheduleTypes }),
    scheduleCron: text('schedule_cron'),
    /** `HH:MM` for `time` schedules. */
    scheduleTime: text('schedule_time'),
    scheduleDays: text('schedule_days', { mode: 'json' }).$type<ScheduleDays>(),
    timeoutMinutes: integer('timeout_minutes').notNull().default(60),
    role: text('role'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    nextRun: isoDateTime('next_run'),
    lastRun: isoDateTime('last_run'),
    lastStatus: text('last_status', { enum: missionOutcomes }),
    createdAt: isoDateTime('created_at').notNull(),
    updatedAt: isoDateTime('updated_at').notNull(),
  },
  // Only enabled missions with a next run are ever due: the partial index holds just those.
  (t) => [
    index('idx_scheduled_missions_next_run')
      .on(t.nextRun)
      .where(sql`${t.enabled} = 1 AND ${t.nextRun} IS NOT NULL`),
  ],
);
