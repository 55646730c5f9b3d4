import { index, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';

/** People in the user's network. */
export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email'),
    /** E.164; one contact per number. */
    phone: text('phone').unique('ux_contacts_phone'),
    notes: text('notes'),
    createdAt: isoDateTime('created_at').notNull(),
  },
  (t) => [index('idx_contacts_name').on(t.name), index('idx_contacts_email').on(t.email)],
);

/** Tags on contacts (claude_direct, client, ...). */
export const contactTags = sqliteTable(
  'contact_tags',
  {
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tag] }), index('idx_contact_tags_tag').on(t.tag)],
);
