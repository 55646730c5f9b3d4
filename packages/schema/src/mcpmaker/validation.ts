import { z } from 'zod';
import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import { config } from './config.ts';
import { playbackLogs } from './playback-logs.ts';
import { sessions } from './sessions.ts';
import {
  correlationsSchema,
  domEventsSchema,
  networkEventsSchema,
  playbackDataSchema,
  workflowDefinitionSchema,
} from './shapes.ts';
import { workflowSessions } from './workflow-sessions.ts';
import { workflows } from './workflows.ts';

// drizzle-zod types JSON columns as any JSON and custom timestamp columns as anything; these
// refinements put the real shapes in. Function form keeps drizzle-zod's optional/nullable handling.

const workflowsRefine = {
  definition: () => workflowDefinitionSchema,
  createdAt: () => z.date(),
  updatedAt: () => z.date(),
};
export const insertWorkflowSchema = createInsertSchema(workflows, workflowsRefine);
export const selectWorkflowSchema = createSelectSchema(workflows, workflowsRefine);
export const updateWorkflowSchema = createUpdateSchema(workflows, workflowsRefine);
export type Workflow = z.infer<typeof selectWorkflowSchema>;
export type NewWorkflow = z.infer<typeof insertWorkflowSchema>;
export type WorkflowUpdate = z.infer<typeof updateWorkflowSchema>;

const sessionsRefine = {
  domEvents: () => domEventsSchema,
  networkEvents: () => networkEventsSchema,
  correlations: () => correlationsSchema,
  createdAt: () => z.date(),
};
export const insertSessionSchema = createInsertSchema(sessions, sessionsRefine);
export const selectSessionSchema = createSelectSchema(sessions, sessionsRefine);
export const updateSessionSchema = createUpdateSchema(sessions, sessionsRefine);
export type Session = z.infer<typeof selectSessionSchema>;
export type NewSession = z.infer<typeof insertSessionSchema>;
export type SessionUpdate = z.infer<typeof updateSessionSchema>;

export const insertWorkflowSessionSchema = createInsertSchema(workflowSessions);
export const selectWorkflowSessionSchema = createSelectSchema(workflowSessions);
export const updateWorkflowSessionSchema = createUpdateSchema(workflowSessions);
export type WorkflowSession = z.infer<typeof selectWorkflowSessionSchema>;

export const insertConfigSchema = createInsertSchema(config);
export const selectConfigSchema = createSelectSchema(config);
export const updateConfigSchema = createUpdateSchema(config);
export type ConfigEntry = z.infer<typeof selectConfigSchema>;

const playbackLogsRefine = { data: () => playbackDataSchema };
export const insertPlaybackLogSchema = createInsertSchema(playbackLogs, playbackLogsRefine);
export const selectPlaybackLogSchema = createSelectSchema(playbackLogs, playbackLogsRefine);
export const updatePlaybackLogSchema = createUpdateSchema(playbackLogs, playbackLogsRefine);
export type PlaybackLog = z.infer<typeof selectPlaybackLogSchema>;
export type NewPlaybackLog = z.infer<typeof insertPlaybackLogSchema>;
