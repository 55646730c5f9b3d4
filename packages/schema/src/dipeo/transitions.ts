import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sqliteDateTime } from '../columns.ts';
import { transitionPhases } from './constants.ts';
import type { TransitionPayload } from './shapes.ts';

/**
 * Append-only event log of an execution. `id` is `<execution_id>:<seq>`; `(execution_id, seq)` is
 * unique, which makes a repeated append of the same event a no-op. No foreign key to executions,
 * as in the original: events may be recorded before the execution row is persisted.
 */
export const transitions = sqliteTable(
  'transitions',
  {
    id: text('id').primaryKey(),
    executionId: text('execution_id').notNull(),
    /** Null for execution-level events. */
    nodeId: text('node_id'),
    phase: text('phase', { enum: transitionPhases }).notNull(),
    seq: integer('seq').notNull(),
    payload: text('payload', { mode: 'json' }).$type<TransitionPayload>().notNull(),
    createdAt: sqliteDateTime('created_at')
      .notNull()
      .default(sql`(datetime('now'))`),
  },
  (t) => [
    uniqueIndex('ux_exec_seq').on(t.executionId, t.seq),
    index('idx_exec_transitions').on(t.executionId),
    index('idx_created_at').on(sql`${t.createdAt} desc`),
  ],
);
