import type { LocalTimestampCodec } from '@agentstate/schema';
import type { Execution, Message, Transition } from '@agentstate/schema/dipeo';
import { readJson } from '../shared/json-column.ts';
import { fromText } from '../shared/time.ts';

type Row = Record<string, unknown>;

/**
 * Execution rows as DiPeO stores them: its local times read in the client's zone, and JSON kept
 * with its text, so a row read and saved back unchanged is stored byte for byte as it was.
 */
export function executionReader(time: LocalTimestampCodec): (r: Row) => Execution {
  const local = (value: unknown): Date | null =>
    value === null ? null : time.read(value as string);
  return (r) => ({
    executionId: r.execution_id as string,
    status: r.status as Execution['status'],
    diagramId: r.diagram_id as string | null,
    startedAt: time.read(r.started_at as string),
    endedAt: local(r.ended_at),
    nodeStates: readJson(r.node_states as string) as Execution['nodeStates'],
    nodeOutputs: readJson(r.node_outputs as string) as Execution['nodeOutputs'],
    llmUsage: readJson(r.llm_usage as string) as Execution['llmUsage'],
    error: r.error as string | null,
    variables: readJson(r.variables as string) as Execution['variables'],
    execCounts: readJson(r.exec_counts as string) as Execution['execCounts'],
    executedNodes: readJson(r.executed_nodes as string) as Execution['executedNodes'],
    metrics: readJson(r.metrics as string | null) as Execution['metrics'],
    createdAt: fromText(r.created_at as string | null),
    accessCount: r.access_count as number | null,
    lastAccessed: local(r.last_accessed),
  });
}

export function toTransition(r: Row): Transition {
  return {
    id: r.id as string,
    executionId: r.execution_id as string,
    nodeId: r.node_id as string | null,
    phase: r.phase as Transition['phase'],
    seq: r.seq as number,
    payload: JSON.parse(r.payload as string) as Transition['payload'],
    createdAt: fromText(r.created_at as string),
  };
}

export function toMessage(r: Row): Message {
  return {
    id: r.id as string,
    executionId: r.execution_id as string,
    nodeId: r.node_id as string,
    personId: r.person_id as string | null,
    content: JSON.parse(r.content as string) as Message['content'],
    tokenCount: r.token_count as number | null,
    createdAt: fromText(r.created_at as string | null),
  };
}
