import { z } from 'zod';
import { rowSchemas, type NewRowOf, type RowOf } from '../row-schemas.ts';
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
export const workflowRows = rowSchemas(workflows, workflowsRefine);
export type Workflow = RowOf<typeof workflowRows>;
export type NewWorkflow = NewRowOf<typeof workflowRows>;
export type WorkflowUpdate = z.infer<(typeof workflowRows)['update']>;

const sessionsRefine = {
  domEvents: () => domEventsSchema,
  networkEvents: () => networkEventsSchema,
  correlations: () => correlationsSchema,
  createdAt: () => z.date(),
};
export const sessionRows = rowSchemas(sessions, sessionsRefine);
export type Session = RowOf<typeof sessionRows>;
export type NewSession = NewRowOf<typeof sessionRows>;
export type SessionUpdate = z.infer<(typeof sessionRows)['update']>;

export const workflowSessionRows = rowSchemas(workflowSessions);
export type WorkflowSession = RowOf<typeof workflowSessionRows>;

export const configRows = rowSchemas(config);
export type ConfigEntry = RowOf<typeof configRows>;

const playbackLogsRefine = { data: () => playbackDataSchema };
export const playbackLogRows = rowSchemas(playbackLogs, playbackLogsRefine);
export type PlaybackLog = RowOf<typeof playbackLogRows>;
export type NewPlaybackLog = NewRowOf<typeof playbackLogRows>;
