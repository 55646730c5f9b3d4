import { index, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sessions } from './sessions.ts';
import { workflows } from './workflows.ts';

/** Junction: which recordings a workflow was learned from. */
export const workflowSessions = sqliteTable(
  'workflow_sessions',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.sessionId] }),
    index('idx_workflow_sessions_workflow').on(t.workflowId),
    index('idx_workflow_sessions_session').on(t.sessionId),
  ],
);
