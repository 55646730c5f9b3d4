import { z } from 'zod';
import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
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
export const insertExecutionSchema = createInsertSchema(executions, executionsRefine);
export const selectExecutionSchema = createSelectSchema(executions, executionsRefine);
export const updateExecutionSchema = createUpdateSchema(executions, executionsRefine);
export type Execution = z.infer<typeof selectExecutionSchema>;
export type NewExecution = z.infer<typeof insertExecutionSchema>;

const transitionsRefine = {
  seq: (s: z.ZodNumber) => s.int().min(1),
  payload: () => transitionPayloadSchema,
  createdAt: () => z.date(),
};
export const insertTransitionSchema = createInsertSchema(transitions, transitionsRefine);
export const selectTransitionSchema = createSelectSchema(transitions, transitionsRefine);
export const updateTransitionSchema = createUpdateSchema(transitions, transitionsRefine);
export type Transition = z.infer<typeof selectTransitionSchema>;
export type NewTransition = z.infer<typeof insertTransitionSchema>;

const messagesRefine = {
  content: () => messageContentSchema,
  tokenCount: (s: z.ZodNumber) => s.int().nonnegative(),
  createdAt: () => z.date(),
};
export const insertMessageSchema = createInsertSchema(messages, messagesRefine);
export const selectMessageSchema = createSelectSchema(messages, messagesRefine);
export const updateMessageSchema = createUpdateSchema(messages, messagesRefine);
export type Message = z.infer<typeof selectMessageSchema>;
export type NewMessage = z.infer<typeof insertMessageSchema>;
