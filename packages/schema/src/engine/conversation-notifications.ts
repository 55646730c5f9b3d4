import { sql } from 'drizzle-orm';
import { index, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sqliteDateTime } from '../columns.ts';
import { sessions } from './sessions.ts';

/**
 * Which conversation was told about which entity. Scoped to the conversation, not the session, so
 * a worker started in session A still notifies its successor B after a context reset.
 */
export const conversationNotifications = sqliteTable(
  'conversation_notifications',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    notificationType: text('notification_type').notNull(),
    /** Worker id or another entity the notification is about. */
    entityId: text('entity_id').notNull(),
    notifiedAt: sqliteDateTime('notified_at')
      .notNull()
      .default(sql`(datetime('now'))`),
    /** The session that received it; kept as null when that session is deleted. */
    sessionId: text('session_id').references(() => sessions.id, { onDelete: 'set null' }),
  },
  (t) => [
    // One row per conversation, entity and kind: inserts are insert-or-ignore.
    uniqueIndex('ux_conversation_notifications_entity').on(
      t.conversationId,
      t.notificationType,
      t.entityId,
    ),
    index('idx_conversation_notifications_notified_at').on(t.notifiedAt),
  ],
);
