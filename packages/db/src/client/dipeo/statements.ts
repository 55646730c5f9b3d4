import { activeExecutionStatuses } from '@agentstate/schema/dipeo';
import { sqlStringList } from '@agentstate/schema';

/** Every SQL statement of the dipeo client (the benchmark's raw baseline runs the same text). */
export const dipeoSql = {
  // Upsert on execution_id: every mutable column, never diagram_id, started_at or created_at.
  // A new row's last_accessed is set as DiPeO sets it (local time), not left to the UTC default;
  // a save is not an access, so an update leaves it alone.
  upsertExecution: `INSERT INTO executions (execution_id, status, diagram_id, started_at, ended_at,
      node_states, node_outputs, llm_usage, error, variables, exec_counts, executed_nodes, metrics,
      last_accessed)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (execution_id) DO UPDATE SET status = excluded.status,
      ended_at = excluded.ended_at, node_states = excluded.node_states,
      node_outputs = excluded.node_outputs, llm_usage = excluded.llm_usage, error = excluded.error,
      variables = excluded.variables, exec_counts = excluded.exec_counts,
      executed_nodes = excluded.executed_nodes, metrics = excluded.metrics`,
  getExecution: 'SELECT * FROM executions WHERE execution_id = ?',
  loadExecution: `UPDATE executions SET access_count = coalesce(access_count, 0) + 1,
      last_accessed = ? WHERE execution_id = ? RETURNING *`,
  warmCache: `SELECT * FROM executions WHERE status IN (${sqlStringList(activeExecutionStatuses)})
    ORDER BY access_count DESC, last_accessed DESC LIMIT ?`,
  listExecutions: `SELECT * FROM executions
    WHERE (@diagram IS NULL OR diagram_id = @diagram) AND (@status IS NULL OR status = @status)
    ORDER BY started_at DESC LIMIT @limit OFFSET @offset`,
  // Cleanup removes an execution's transitions and messages with it (the original left orphans).
  cleanupTransitions: `DELETE FROM transitions WHERE execution_id IN
    (SELECT execution_id FROM executions WHERE started_at < ?)`,
  cleanupMessages: `DELETE FROM messages WHERE execution_id IN
    (SELECT execution_id FROM executions WHERE started_at < ?)`,
  cleanupExecutions: 'DELETE FROM executions WHERE started_at < ?',

  // The database allocates seq inside the insert: max + 1 off the ux_exec_seq index, so a resumed
  // execution continues where it stopped and concurrent appends never collide. Past
  // Number.MAX_SAFE_INTEGER a seq would not read back exactly: nothing is inserted.
  appendTransition: `INSERT INTO transitions (id, execution_id, node_id, phase, seq, payload, created_at)
    SELECT @execution || ':' || next.seq, @execution, @node, @phase, next.seq, @payload, @created
    FROM (SELECT coalesce(max(seq), 0) + 1 AS seq FROM transitions WHERE execution_id = @execution) AS next
    WHERE next.seq <= ${Number.MAX_SAFE_INTEGER}
    RETURNING seq`,
  // An explicit (execution_id, seq) already stored is the same event: nothing is written.
  insertTransitionAt: `INSERT INTO transitions (id, execution_id, node_id, phase, seq, payload, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq`,
  listTransitions: 'SELECT * FROM transitions WHERE execution_id = ? AND seq > ? ORDER BY seq',
  lastSeq: 'SELECT coalesce(max(seq), 0) FROM transitions WHERE execution_id = ?',

  insertMessage: `INSERT INTO messages (id, execution_id, node_id, person_id, content, token_count,
      created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  listMessages: `SELECT * FROM messages WHERE execution_id = @execution AND (@person IS NULL OR person_id = @person)
    ORDER BY created_at, rowid`,
} as const;
