import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Key-value settings. Secret keys (constants.secretConfigKeys) hold an encrypted value. */
export const config = sqliteTable('config', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
