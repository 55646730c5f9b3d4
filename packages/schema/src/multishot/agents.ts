import { index, integer, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { agentStatuses } from './constants.ts';
import { rounds } from './rounds.ts';

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    roundId: text('round_id')
      .notNull()
      .references((): AnySQLiteColumn => rounds.id),
    /** 1-4; checked by the zod schemas, as the seed has no CHECK. */
    agentNumber: integer('agent_number').notNull(),
    sandboxId: text('sandbox_id'),
    variationPrompt: text('variation_prompt').notNull(),
    status: text('status', { enum: agentStatuses }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
    errorMessage: text('error_message'),
  },
  (t) => [index('idx_agents_round_id').on(t.roundId)],
);
