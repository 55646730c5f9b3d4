import type { z } from 'zod';
import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import { agents } from './agents.ts';
import { agentNumberRange } from './constants.ts';
import { credentials } from './credentials.ts';
import { outputLogs } from './output-logs.ts';
import { rounds } from './rounds.ts';
import { runs } from './runs.ts';

export const insertRunSchema = createInsertSchema(runs);
export const selectRunSchema = createSelectSchema(runs);
export const updateRunSchema = createUpdateSchema(runs);
export type Run = z.infer<typeof selectRunSchema>;
export type NewRun = z.infer<typeof insertRunSchema>;

const roundsRefine = { roundNumber: (s: z.ZodNumber) => s.int().min(1) };
export const insertRoundSchema = createInsertSchema(rounds, roundsRefine);
export const selectRoundSchema = createSelectSchema(rounds, roundsRefine);
export const updateRoundSchema = createUpdateSchema(rounds, roundsRefine);
export type Round = z.infer<typeof selectRoundSchema>;
export type NewRound = z.infer<typeof insertRoundSchema>;

// The seed keeps 1-4 as a comment; the database has no CHECK, so the boundary enforces it.
const agentsRefine = {
  agentNumber: (s: z.ZodNumber) => s.int().min(agentNumberRange.min).max(agentNumberRange.max),
};
export const insertAgentSchema = createInsertSchema(agents, agentsRefine);
export const selectAgentSchema = createSelectSchema(agents, agentsRefine);
export const updateAgentSchema = createUpdateSchema(agents, agentsRefine);
export type Agent = z.infer<typeof selectAgentSchema>;
export type NewAgent = z.infer<typeof insertAgentSchema>;

export const insertOutputLogSchema = createInsertSchema(outputLogs);
export const selectOutputLogSchema = createSelectSchema(outputLogs);
export const updateOutputLogSchema = createUpdateSchema(outputLogs);
export type OutputLog = z.infer<typeof selectOutputLogSchema>;
export type NewOutputLog = z.infer<typeof insertOutputLogSchema>;

export const insertCredentialSchema = createInsertSchema(credentials);
export const selectCredentialSchema = createSelectSchema(credentials);
export const updateCredentialSchema = createUpdateSchema(credentials);
export type Credential = z.infer<typeof selectCredentialSchema>;
