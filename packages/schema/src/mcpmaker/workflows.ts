import { sql } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sqliteDateTime } from '../columns.ts';
import { mcpServerStatuses } from './constants.ts';
import type { WorkflowDefinition } from './shapes.ts';

export const workflows = sqliteTable('workflows', {
  id: text('id').primaryKey(),
  /** Not unique: the original finds a workflow by name and takes the first match. */
  name: text('name').notNull(),
  /** Hostname used to match a site, '' when unknown. */
  sitePattern: text('site_pattern').notNull().default(''),
  definition: text('definition', { mode: 'json' }).$type<WorkflowDefinition>(),
  mcpServerPath: text('mcp_server_path'),
  // Nullable with a default, and no CHECK, exactly as the original creates it.
  mcpServerStatus: text('mcp_server_status', { enum: mcpServerStatuses }).default('stopped'),
  createdAt: sqliteDateTime('created_at')
    .notNull()
    .default(sql`(datetime('now'))`),
  updatedAt: sqliteDateTime('updated_at')
    .notNull()
    .default(sql`(datetime('now'))`),
});
