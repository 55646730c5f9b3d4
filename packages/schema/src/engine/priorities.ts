import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';
import { priorityLevels } from './constants.ts';

/** Daily priority items shown on the dashboard. */
export const priorities = sqliteTable(
  'priorities',
  {
    id: text('id').primaryKey(),
    content: text('content').notNull(),
    level: text('level', { enum: priorityLevels }).notNull().default('medium'),
    pool: text('pool').notNull().default('main'),
    /** `YYYY-MM-DD` the item is planned for; null = unscheduled. */
    date: text('date'),
    /** Order within (pool, date, level); a new item goes last. */
    position: integer('position').notNull().default(0),
    /** Null while the item is open. */
    completedAt: isoDateTime('completed_at'),
    createdAt: isoDateTime('created_at').notNull(),
    updatedAt: isoDateTime('updated_at').notNull(),
  },
  (t) => [
    index('idx_priorities_date').on(t.date),
    index('idx_priorities_group').on(t.pool, t.date, t.level, t.position),
  ],
);
