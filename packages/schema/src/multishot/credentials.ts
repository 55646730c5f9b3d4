import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const credentials = sqliteTable('credentials', {
  key: text('key').primaryKey(),
  /** Never the plaintext secret: a keychain reference or an encrypted envelope. */
  value: text('value').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});
