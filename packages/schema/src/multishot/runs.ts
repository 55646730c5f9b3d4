import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { runStatuses } from './constants.ts';
import { rounds } from './rounds.ts';

export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    status: text('status', { enum: runStatuses }).notNull(),
    // runs -> rounds -> runs is circular, so the reference is resolved lazily.
    currentRoundId: text('current_round_id').references((): AnySQLiteColumn => rounds.id),
  },
  (t) => [index('idx_runs_created_at').on(sql`${t.createdAt} desc`)],
);
