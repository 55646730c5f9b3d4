import { z } from 'zod';
import { rowSchemas, type NewRowOf, type RowOf } from '../row-schemas.ts';
import { executions } from './executions.ts';
import { messages } from './messages.ts';
import {
  execCountsSchema,
  executedNodesSchema,
  executionMetricsSchema,
  llmUsageSchema,
  messageContentSchema,
  nodeOutputsSchema,
  nodeStatesSchema,
  transitionPayloadSchema,
  variablesSchema,
} from './shapes.ts';
import { transitions } from './transitions.ts';

const executionsRefine = {
  startedAt: () => z.date(),
  endedAt: () => z.date(),
  nodeStates: () => nodeStatesSchema,
  nodeOutputs: () => nodeOutputsSchema,
  llmUsage: () => llmUsageSchema,
  variables: () => variablesSchema,
  execCounts: () => execCountsSchema,
  executedNodes: () => executedNodesSchema,
  metrics: () => executionMetricsSchema,
  createdAt: () => z.date(),
  accessCount: (s: z.ZodNumber) => s.int().nonnegative(),
  lastAccessed: () => z.date(),
};
export const executionRows = rowSchemas(executions, executionsRefine);
export type Execution = RowOf<typeof executionRows>;
export type NewExecution = NewRowOf<typeof executionRows>;

const transitionsRefine = {
  seq: (s: z.ZodNumber) => s.int().min(1),
  payload: () => transitionPayloadSchema,
  createdAt: () => z.date(),
};
export const transitionRows = rowSchemas(transitions, transitionsRefine);
export type Transition = RowOf<typeof transitionRows>;
export type NewTransition = NewRowOf<typeof transitionRows>;

const messagesRefine = {
  content: () => messageContentSchema,
  tokenCount: (s: z.ZodNumber) => s.int().nonnegative(),
  createdAt: () => z.date(),
};
export const messageRows = rowSchemas(messages, messagesRefine);
export type Message = RowOf<typeof messageRows>;
export type NewMessage = NewRowOf<typeof messageRows>;
