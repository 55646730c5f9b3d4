import { relations } from 'drizzle-orm';
import { executions } from './executions.ts';
import { messages } from './messages.ts';
import { transitions } from './transitions.ts';

// The seed's diagram links transitions and messages to executions without declaring foreign keys
// (and draws the arrows backwards): one execution has many of each.
export const executionsRelations = relations(executions, ({ many }) => ({
  transitions: many(transitions),
  messages: many(messages),
}));

export const transitionsRelations = relations(transitions, ({ one }) => ({
  execution: one(executions, {
    fields: [transitions.executionId],
    references: [executions.executionId],
  }),
}));

export const messagesRelations = relations(messages, ({ one }) => ({
  execution: one(executions, {
    fields: [messages.executionId],
    references: [executions.executionId],
  }),
}));
