import type { z } from 'zod';
import { rowSchemas, type NewRowOf, type RowOf } from '../row-schemas.ts';
import { agents } from './agents.ts';
import { agentNumberRange } from './constants.ts';
import { credentials } from './credentials.ts';
import { outputLogs } from './output-logs.ts';
import { rounds } from './rounds.ts';
import { runs } from './runs.ts';

export const runRows = rowSchemas(runs);
export type Run = RowOf<typeof runRows>;
export type NewRun = NewRowOf<typeof runRows>;

const roundsRefine = { roundNumber: (s: z.ZodNumber) => s.int().min(1) };
export const roundRows = rowSchemas(rounds, roundsRefine);
export type Round = RowOf<typeof roundRows>;
export type NewRound = NewRowOf<typeof roundRows>;

// The seed keeps 1-4 as a comment; the database has no CHECK, so the boundary enforces it.
const agentsRefine = {
  agentNumber: (s: z.ZodNumber) => s.int().min(agentNumberRange.min).max(agentNumberRange.max),
};
export const agentRows = rowSchemas(agents, agentsRefine);
export type Agent = RowOf<typeof agentRows>;
export type NewAgent = NewRowOf<typeof agentRows>;

export const outputLogRows = rowSchemas(outputLogs);
export type OutputLog = RowOf<typeof outputLogRows>;
export type NewOutputLog = NewRowOf<typeof outputLogRows>;

export const credentialRows = rowSchemas(credentials);
export type Credential = RowOf<typeof credentialRows>;
