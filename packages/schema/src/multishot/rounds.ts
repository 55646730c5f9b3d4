import { integer, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { agents } from './agents.ts';
import { roundStatuses } from './constants.ts';
import { runs } from './runs.ts';

export const rounds = sqliteTable('rounds', {
  id: text('id').primaryKey(),
  runId: text('run_id')
    .notNull()
    .references((): AnySQLiteColumn => runs.id),
  roundNumber: integer('round_number').notNull(),
  basePrompt: text('base_prompt').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  winnerAgentId: text('winner_agent_id').references((): AnySQLiteColumn => agents.id),
  winnerFilesPath: text('winner_files_path'),
  status: text('status', { enum: roundStatuses }).notNull(),
});
