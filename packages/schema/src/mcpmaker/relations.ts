import { relations } from 'drizzle-orm';
import { playbackLogs } from './playback-logs.ts';
import { sessions } from './sessions.ts';
import { workflowSessions } from './workflow-sessions.ts';
import { workflows } from './workflows.ts';

export const workflowsRelations = relations(workflows, ({ many }) => ({
  sessions: many(sessions),
  workflowSessions: many(workflowSessions),
  playbackLogs: many(playbackLogs),
}));

export const sessionsRelations = relations(sessions, ({ one, many }) => ({
  workflow: one(workflows, { fields: [sessions.workflowId], references: [workflows.id] }),
  workflowSessions: many(workflowSessions),
}));

export const workflowSessionsRelations = relations(workflowSessions, ({ one }) => ({
  workflow: one(workflows, { fields: [workflowSessions.workflowId], references: [workflows.id] }),
  session: one(sessions, { fields: [workflowSessions.sessionId], references: [sessions.id] }),
}));

// A relation without a foreign key: logs keep their workflow id after the workflow is deleted.
export const playbackLogsRelations = relations(playbackLogs, ({ one }) => ({
  workflow: one(workflows, { fields: [playbackLogs.workflowId], references: [workflows.id] }),
}));
