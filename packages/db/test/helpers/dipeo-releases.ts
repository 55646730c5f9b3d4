import type { SqliteConnection } from '../../src/driver/types.ts';
import { buildOriginalDatabase, originalDdl } from './original-tools.ts';

/**
 * DiPeO files as its releases left them: `execution_states` rows written before the table was
 * renamed (2025-10-08), `executions` rows written after. The values are what its Python writes:
 * `json.dumps` text (`", "` and `": "` separators), every optional field `null`, `started_at`,
 * `ended_at` and `last_accessed` in the writer's local time without a zone (`datetime.now()`),
 * `created_at` SQLite's UTC `CURRENT_TIMESTAMP`, `metrics` NULL when the execution had none.
 */

const EXECUTION_COLUMNS =
  'execution_id, status, diagram_id, started_at, ended_at, node_states, node_outputs, llm_usage, error, variables, exec_counts, executed_nodes, metrics, created_at, access_count, last_accessed';

type ExecutionRow = [
  execution_id: string,
  status: string,
  diagram_id: string | null,
  started_at: string,
  ended_at: string | null,
  node_states: string,
  node_outputs: string,
  llm_usage: string,
  error: string | null,
  variables: string,
  exec_counts: string,
  executed_nodes: string,
  metrics: string | null,
  created_at: string,
  access_count: number | null,
  last_accessed: string | null,
];

const envelope = (id: string, node: string, body: string, executionTime: number | null) =>
  `{"envelope_format": true, "id": "${id}", "trace_id": "", "produced_by": "${node}", ` +
  `"content_type": "raw_text", "schema_id": null, "serialization_format": null, "body": "${body}", ` +
  `"meta": {"node_id": "${node}", "llm_usage": null, "execution_time": ${executionTime}, ` +
  `"retry_count": null, "error": null, "error_type": null, "timestamp": 1759219657.696235}}`;

/** Before the rename: a finished run with metrics, a failed one without, one that never ended. */
export const executionStatesRows: ExecutionRow[] = [
  [
    'exec_3f9c2b7e8a1d4c6f9e0b1a2c3d4e5f60',
    'completed',
    'examples/simple_diagrams/simple_iter',
    '2025-09-30T17:07:37.696235',
    '2025-09-30T17:07:52.104518',
    '{"node_0": {"status": "completed", "started_at": "2025-09-30T17:07:37.701002", "ended_at": "2025-09-30T17:07:37.702113", "error": null, "llm_usage": null, "output": null}, ' +
      '"node_1": {"status": "completed", "started_at": "2025-09-30T17:07:37.703330", "ended_at": "2025-09-30T17:07:52.101977", "error": null, "llm_usage": {"input": 1523.0, "output": 412.0, "cached": null, "total": 1935.0}, "output": null}}',
    `{"node_0": ${envelope('1b6e0c52-35a4-4f7e-9a43-2f0c8d1e7a90', 'node_0', 'Start', null)}, ` +
      `"node_1": ${envelope('7d2f4b18-9e61-4c3a-b5d0-6a8e1f2c3b47', 'node_1', 'Hello from the assistant', 14.398)}}`,
    '{"input": 1523.0, "output": 412.0, "cached": null, "total": 1935.0}',
    null,
    '{}',
    '{"node_0": 1, "node_1": 1}',
    '["node_0", "node_1"]',
    '{"execution_id": "exec_3f9c2b7e8a1d4c6f9e0b1a2c3d4e5f60", "start_time": 1759219657.696235, "end_time": 1759219672.104518, "total_duration_ms": 14408.283, ' +
      '"node_metrics": {"node_1": {"node_id": "node_1", "node_type": "person_job", "start_time": 1759219657.70333, "end_time": 1759219672.101977, "duration_ms": 14398.647, "memory_usage": null, "llm_usage": {"input": 1523.0, "output": 412.0, "cached": null, "total": 1935.0}, "error": null, "dependencies": null, "module_timings": null}}, ' +
      '"critical_path": ["node_0", "node_1"], "parallelizable_groups": null, "bottlenecks": null}',
    '2025-09-30 08:07:37',
    2,
    '2025-09-30T17:08:10.551203',
  ],
  [
    'exec_9a0e5d7c1b2f4e3a8c6d0f1e2a3b4c5d',
    'failed',
    null,
    '2025-10-01T09:12:03.004411',
    '2025-10-01T09:12:04.870092',
    '{"node_0": {"status": "failed", "started_at": "2025-10-01T09:12:03.010200", "ended_at": "2025-10-01T09:12:04.869500", "error": "API key not found for service: anthropic", "llm_usage": null, "output": null}}',
    '{}',
    '{"input": 0.0, "output": 0.0, "cached": null, "total": 0.0}',
    'API key not found for service: anthropic',
    '{"topic": "release notes", "max_rounds": 3}',
    '{"node_0": 1}',
    '["node_0"]',
    null,
    '2025-10-01 00:12:03',
    0,
    '2025-10-01T09:12:04.871337',
  ],
  [
    'exec_c41d2e3f5a6b4c7d8e9f0a1b2c3d4e5f',
    'running',
    'projects/codegen/diagrams/parse_typescript_batch',
    '2025-10-02T23:59:58.000117',
    null,
    '{"node_0": {"status": "running", "started_at": "2025-10-02T23:59:58.002000", "ended_at": null, "error": null, "llm_usage": null, "output": null}}',
    '{}',
    '{"input": 0.0, "output": 0.0, "cached": null, "total": null}',
    null,
    '{}',
    '{}',
    '[]',
    null,
    '2025-10-02 14:59:58',
    null,
    null,
  ],
];

/** After the rename: the same user's newer runs, in `executions`. */
export const executionsRows: ExecutionRow[] = [
  [
    'exec_5e6f7a8b9c0d4e1f2a3b4c5d6e7f8091',
    'completed',
    'examples/simple_diagrams/simple_iter',
    '2025-10-09T08:30:00.250001',
    '2025-10-09T08:30:09.998877',
    '{"node_0": {"status": "completed", "started_at": "2025-10-09T08:30:00.251000", "ended_at": "2025-10-09T08:30:00.252000", "error": null, "llm_usage": null, "output": null}}',
    `{"node_0": ${envelope('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', 'node_0', 'Start', 0.001)}}`,
    '{"input": 0.0, "output": 0.0, "cached": null, "total": 0.0}',
    null,
    '{}',
    '{"node_0": 1}',
    '["node_0"]',
    null,
    '2025-10-08 23:30:00',
    1,
    '2025-10-09T08:31:00.000001',
  ],
];

function insertExecutions(db: SqliteConnection, table: string, rows: ExecutionRow[]): void {
  const insert = db.prepare(
    `INSERT INTO ${table} (${EXECUTION_COLUMNS}) VALUES (${EXECUTION_COLUMNS.split(', ')
      .map(() => '?')
      .join(', ')})`,
  );
  for (const row of rows) insert.run(...row);
}

/** The transitions and messages of the first pre-rename execution. */
function insertEventsOfFirstExecution(db: SqliteConnection): void {
  const id = executionStatesRows[0]![0];
  const transition = db.prepare(
    'INSERT INTO transitions (id, execution_id, node_id, phase, seq, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  transition.run(
    `${id}:1`,
    id,
    null,
    'execution_started',
    1,
    '{"event_type": "execution_started", "data": {}}',
    '2025-09-30 08:07:37',
  );
  transition.run(
    `${id}:2`,
    id,
    'node_1',
    'node_completed',
    2,
    '{"event_type": "node_completed", "data": {}}',
    '2025-09-30 08:07:52',
  );
  db.prepare(
    'INSERT INTO messages (id, execution_id, node_id, person_id, content, token_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    `${id}:node_1:1759219672.101977`,
    id,
    'node_1',
    'person_1',
    '{"role": "assistant", "content": "Hello from the assistant"}',
    412,
    '2025-09-30 08:07:52',
  );
}

/** A user who ran DiPeO before and after the rename: both tables, `executions` without indexes. */
export function buildUpgradedDipeo(dir: string): string {
  return buildOriginalDatabase(dir, 'dipeo-execution-states', (db) => {
    insertExecutions(db, 'execution_states', executionStatesRows);
    insertEventsOfFirstExecution(db);
    db.exec(originalDdl('dipeo')); // the renamed release's init_schema() on the same file
    insertExecutions(db, 'executions', executionsRows);
  });
}

/** A user who never ran the renamed release: `execution_states` only. */
export function buildPreRenameDipeo(dir: string): string {
  return buildOriginalDatabase(dir, 'dipeo-execution-states', (db) => {
    insertExecutions(db, 'execution_states', executionStatesRows);
    insertEventsOfFirstExecution(db);
  });
}

/** DiPeO's five executions indexes, all named as agentstate's schema names them. */
export const EXECUTIONS_INDEXES = [
  'idx_access_count',
  'idx_diagram_id',
  'idx_last_accessed',
  'idx_started_at',
  'idx_status',
];
