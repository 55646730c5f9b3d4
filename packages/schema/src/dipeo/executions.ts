import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { localIsoDateTime, sqliteDateTime } from '../columns.ts';
import { executionStatuses } from './constants.ts';
import type {
  ExecCounts,
  ExecutedNodes,
  ExecutionMetrics,
  LlmUsage,
  NodeOutputs,
  NodeStates,
  Variables,
} from './shapes.ts';

/**
 * DiPeO's executions. `started_at`, `ended_at` and `last_accessed` are DiPeO's local wall time
 * without a zone (`datetime.now().isoformat()`); `created_at` is SQLite's UTC `CURRENT_TIMESTAMP`.
 */
export const executions = sqliteTable(
  'executions',
  {
    executionId: text('execution_id').primaryKey(),
    status: text('status', { enum: executionStatuses }).notNull(),
    diagramId: text('diagram_id'),
    startedAt: localIsoDateTime('started_at').notNull(),
    endedAt: localIsoDateTime('ended_at'),
    nodeStates: text('node_states', { mode: 'json' }).$type<NodeStates>().notNull(),
    nodeOutputs: text('node_outputs', { mode: 'json' }).$type<NodeOutputs>().notNull(),
    llmUsage: text('llm_usage', { mode: 'json' }).$type<LlmUsage>().notNull(),
    error: text('error'),
    variables: text('variables', { mode: 'json' }).$type<Variables>().notNull(),
    execCounts: text('exec_counts', { mode: 'json' })
      .$type<ExecCounts>()
      .notNull()
      .default(sql`'{}'`),
    executedNodes: text('executed_nodes', { mode: 'json' })
      .$type<ExecutedNodes>()
      .notNull()
      .default(sql`'[]'`),
    metrics: text('metrics', { mode: 'json' })
      .$type<ExecutionMetrics>()
      .default(sql`NULL`),
    createdAt: sqliteDateTime('created_at', { sqlType: 'timestamp' }).default(
      sql`CURRENT_TIMESTAMP`,
    ),
    accessCount: integer('access_count').default(0),
    // Written as DiPeO writes it, in local time; its UTC default (SQLite's form) still reads as UTC.
    lastAccessed: localIsoDateTime('last_accessed', { sqlType: 'timestamp' }).default(
      sql`CURRENT_TIMESTAMP`,
    ),
  },
  (t) => [
    index('idx_status').on(t.status),
    index('idx_started_at').on(t.startedAt),
    index('idx_diagram_id').on(t.diagramId),
    index('idx_access_count').on(sql`${t.accessCount} desc`),
    index('idx_last_accessed').on(sql`${t.lastAccessed} desc`),
  ],
);
