import { integer } from 'drizzle-orm/sqlite-core';

// PokéCode's timestamps are Unix seconds set by the app, not by a DDL default.

/** Set to now when the row is inserted. */
export const createdAt = () =>
  integer('created_at', { mode: 'timestamp' })
    .notNull()
    .$defaultFn(() => new Date());

/** Set to now when the row is inserted and on every update through drizzle. */
export const updatedAt = () =>
  integer('updated_at', { mode: 'timestamp' })
    .notNull()
    .$defaultFn(() => new Date())
    .$onUpdate(() => new Date());
