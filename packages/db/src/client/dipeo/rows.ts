import type { Execution, Message, Transition } from '@agentstate/schema/dipeo';
import { fromText } from '../shared/time.ts';

type Row = Record<string, unknown>;
const json = (value: unknown): unknown => (value === null ? null : JSON.parse(value as string));

export function toExecution(r: Row): Execution {
  return {
    executionId: r.execution_id as string,
    status: r.status as Execution['status'],
    diagramId: r.diagram_id as string | null,
    startedAt: fromText(r.started_at as string)!,
    endedAt: fromText(r.ended_at as string | null),
    nodeStates: json(r.node_states) as Execution['nodeStates'],
    nodeOutputs: json(r.node_outputs) as Execution['nodeOutputs'],
    llmUsage: json(r.llm_usage) as Execution['llmUsage'],
    error: r.error as string | null,
    variables: json(r.variables) as Execution['variables'],
    execCounts: json(r.exec_counts) as Execution['execCounts'],
    executedNodes: json(r.executed_nodes) as Execution['executedNodes'],
    metrics: json(r.metrics) as Execution['metrics'],
    createdAt: fromText(r.created_at as string | null),
    accessCount: r.access_count as number | null,
    lastAccessed: fromText(r.last_accessed as string | null),
  };
}

export function toTransition(r: Row): Transition {
  return {
    id: r.id as string,
    executionId: r.execution_id as string,
    nodeId: r.node_id as string | null,
    phase: r.phase as Transition['phase'],
    seq: r.seq as number,
    payload: JSON.parse(r.payload as string) as Transition['payload'],
    createdAt: fromText(r.created_at as string)!,
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
