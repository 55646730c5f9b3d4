import { sql } from 'drizzle-orm';
import {
  activeExecutionStatuses,
  executions as e,
  messages as m,
  transitions as t,
} from '@agentstate/schema/dipeo';
import { sqlStringList } from '@agentstate/schema';
import { insertText, sqlText } from '../shared/sql-text.ts';

/**
 * The column orders of the inserts: each insert's `?` parameters, as the row encoders of rows.ts
 * give them.
 */
export const executionUpsertKeys = [
  'executionId',
  'status',
  'diagramId',
  'startedAt',
  'endedAt',
  'nodeStates',
  'nodeOutputs',
  'llmUsage',
  'error',
  'variables',
  'execCounts',
  'executedNodes',
  'metrics',
  'lastAccessed',
] as const;
export const transitionInsertKeys = [
  'id',
  'executionId',
  'nodeId',
  'phase',
  'seq',
  'payload',
  'createdAt',
] as const;
export const messageInsertKeys = [
  'id',
  'executionId',
  'nodeId',
  'personId',
  'content',
  'tokenCount',
  'createdAt',
] as const;

/**
 * What a save of a stored execution updates: every mutable column, never diagram_id, started_at
 * or created_at. A new row's last_accessed is set as DiPeO sets it (local time), not left to the
 * UTC default; a save is not an access, so an update leaves it alone.
 */
const executionUpdated = [
  e.status,
  e.endedAt,
  e.nodeStates,
  e.nodeOutputs,
  e.llmUsage,
  e.error,
  e.variables,
  e.execCounts,
  e.executedNodes,
  e.metrics,
];

const transitionColumns = sql.join(
  transitionInsertKeys.map((key) => t[key]),
  sql`, `,
);

/** The executions started before the `?` cutoff (local text, compared as text). */
const oldExecutions = sql`(SELECT ${e.executionId} FROM ${e} WHERE ${e.startedAt} < ?)`;

/**
 * Every SQL statement of the dipeo client, rendered from the schema's tables (sql-text.ts).
 * Exported as text so the benchmark's raw better-sqlite3 baseline runs exactly the same SQL.
 */
export const dipeoSql = {
  upsertExecution: insertText(
    e,
    executionUpsertKeys,
    sql`ON CONFLICT (${e.executionId}) DO UPDATE SET ${sql.join(
      executionUpdated.map((column) => sql`${column} = excluded.${column}`),
      sql`, `,
    )}`,
  ),
  getExecution: sqlText(sql`SELECT * FROM ${e} WHERE ${e.executionId} = ?`),
  loadExecution: sqlText(sql`UPDATE ${e} SET ${e.accessCount} = coalesce(${e.accessCount}, 0) + 1,
      ${e.lastAccessed} = ? WHERE ${e.executionId} = ? RETURNING *`),
  warmCache: sqlText(sql`SELECT * FROM ${e}
    WHERE ${e.status} IN (${sql.raw(sqlStringList(activeExecutionStatuses))})
    ORDER BY ${e.accessCount} DESC, ${e.lastAccessed} DESC LIMIT ?`),
  listExecutions: sqlText(sql`SELECT * FROM ${e}
    WHERE (@diagram IS NULL OR ${e.diagramId} = @diagram) AND (@status IS NULL OR ${e.status} = @status)
    ORDER BY ${e.startedAt} DESC LIMIT @limit OFFSET @offset`),
  // Cleanup removes an execution's transitions and messages with it (the original left orphans).
  cleanupTransitions: sqlText(sql`DELETE FROM ${t} WHERE ${t.executionId} IN ${oldExecutions}`),
  cleanupMessages: sqlText(sql`DELETE FROM ${m} WHERE ${m.executionId} IN ${oldExecutions}`),
  cleanupExecutions: sqlText(sql`DELETE FROM ${e} WHERE ${e.startedAt} < ?`),

  // The database allocates seq inside the insert: max + 1 off the ux_exec_seq index, so a resumed
  // execution continues where it stopped and concurrent appends never collide. Past
  // Number.MAX_SAFE_INTEGER a seq would not read back exactly: nothing is inserted.
  appendTransition: sqlText(sql`INSERT INTO ${t} (${transitionColumns})
    SELECT @execution || ':' || next.seq, @execution, @node, @phase, next.seq, @payload, @created
    FROM (SELECT coalesce(max(${t.seq}), 0) + 1 AS seq FROM ${t} WHERE ${t.executionId} = @execution) AS next
    WHERE next.seq <= ${sql.raw(String(Number.MAX_SAFE_INTEGER))}
    RETURNING ${t.seq}`),
  // An explicit (execution_id, seq) already stored is the same event: nothing is written.
  insertTransitionAt: insertText(
    t,
    transitionInsertKeys,
    sql`ON CONFLICT DO NOTHING RETURNING ${t.seq}`,
  ),
  listTransitions: sqlText(
    sql`SELECT * FROM ${t} WHERE ${t.executionId} = ? AND ${t.seq} > ? ORDER BY ${t.seq}`,
  ),
  lastSeq: sqlText(sql`SELECT coalesce(max(${t.seq}), 0) FROM ${t} WHERE ${t.executionId} = ?`),

  insertMessage: insertText(m, messageInsertKeys),
  listMessages: sqlText(sql`SELECT * FROM ${m}
    WHERE ${m.executionId} = @execution AND (@person IS NULL OR ${m.personId} = @person)
    ORDER BY ${m.createdAt}, rowid`),
} as const;
