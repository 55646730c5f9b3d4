import { relations } from 'drizzle-orm';
import { agents } from './agents.ts';
import { outputLogs } from './output-logs.ts';
import { rounds } from './rounds.ts';
import { runs } from './runs.ts';

export const runsRelations = relations(runs, ({ one, many }) => ({
  currentRound: one(rounds, {
    fields: [runs.currentRoundId],
    references: [rounds.id],
    relationName: 'run_current_round',
  }),
  rounds: many(rounds, { relationName: 'run_rounds' }),
}));

export const roundsRelations = relations(rounds, ({ one, many }) => ({
  run: one(runs, { fields: [rounds.runId], references: [runs.id], relationName: 'run_rounds' }),
  winnerAgent: one(agents, {
    fields: [rounds.winnerAgentId],
    references: [agents.id],
    relationName: 'round_winner_agent',
  }),
  agents: many(agents, { relationName: 'round_agents' }),
  currentOfRuns: many(runs, { relationName: 'run_current_round' }),
}));

export const agentsRelations = relations(agents, ({ one, many }) => ({
  round: one(rounds, {
    fields: [agents.roundId],
    references: [rounds.id],
    relationName: 'round_agents',
  }),
  outputLogs: many(outputLogs),
  wonRounds: many(rounds, { relationName: 'round_winner_agent' }),
}));

export const outputLogsRelations = relations(outputLogs, ({ one }) => ({
  agent: one(agents, { fields: [outputLogs.agentId], references: [agents.id] }),
}));
