import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';
import { stagedContentStatuses, stagedContentTypes } from './constants.ts';
import { sessions } from './sessions.ts';
import { workers } from './workers.ts';

/** Items staged for the dashboard portal by a session or a worker. */
export const stagedContent = sqliteTable(
  'staged_content',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    contentType: text('content_type', { enum: stagedContentTypes }).notNull().default('markdown'),
    content: text('content').notNull(),
    status: text('status', { enum: stagedContentStatuses }).notNull().default('staged'),
    /** Order on the portal, lowest first. */
    position: integer('position').notNull().default(0),
    sessionId: text('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    workerId: text('worker_id').references(() => workers.id, { onDelete: 'set null' }),
    createdAt: isoDateTime('created_at').notNull(),
    updatedAt: isoDateTime('updated_at').notNull(),
    displayedAt: isoDateTime('displayed_at'),
    /** After this the item is no longer shown; null = until dismissed. */
    expiresAt: isoDateTime('expires_at'),
  },
  (t) => [index('idx_staged_content_status').on(t.status, t.position)],
);
