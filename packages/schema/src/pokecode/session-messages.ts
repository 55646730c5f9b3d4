import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { messageTypes, providers } from './constants.ts';
import { sessions } from './sessions.ts';
import { createdAt } from './timestamps.ts';

export const sessionMessages = sqliteTable(
  'session_messages',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: providers }).notNull(),
    type: text('type', { enum: messageTypes }).notNull(),
    /** The provider's raw event, as text: kept verbatim, parsed by the reader. */
    contentData: text('content_data'),
    /** The provider's resume token. */
    providerSessionId: text('provider_session_id'),
    tokenCount: integer('token_count'),
    createdAt: createdAt(),
  },
  (t) => [
    index('idx_session_messages_session_id').on(t.sessionId),
    index('idx_session_messages_type').on(t.type),
    index('idx_session_messages_created_at').on(t.createdAt),
    index('idx_session_messages_provider').on(t.provider),
    index('idx_session_messages_provider_session_id').on(t.providerSessionId),
  ],
);
