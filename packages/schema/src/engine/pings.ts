import { sql } from 'drizzle-orm';
import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';
import { sessions } from './sessions.ts';

/** Requests from Claude for the user's attention. */
export const pings = sqliteTable(
  'pings',
  {
    /** 8-character id. */
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id),
    message: text('message').notNull(),
    createdAt: isoDateTime('created_at').notNull(),
    /** Null = unread. */
    acknowledgedAt: isoDateTime('acknowledged_at'),
  },
  (t) => [
    // Unread pings, newest first, is the hot query; the partial index holds only unread rows.
    index('idx_pings_unread')
      .on(sql`${t.createdAt} desc`)
      .where(sql`${t.acknowledgedAt} IS NULL`),
    index('idx_pings_session').on(t.sessionId),
  ],
);
