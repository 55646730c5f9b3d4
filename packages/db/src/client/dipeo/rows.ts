import type { LocalTimestampCodec } from '@agentstate/schema';
import {
  execCountsSchema,
  executedNodesSchema,
  executionMetricsSchema,
  executions,
  llmUsageSchema,
  messages,
  nodeOutputsSchema,
  nodeStatesSchema,
  transitions,
  variablesSchema,
  type Execution,
  type Message,
  type Transition,
} from '@agentstate/schema/dipeo';
import { checkColumnSize } from '../shared/limits.ts';
import { jsonColumn, readJson } from '../shared/json-column.ts';
import { rowDecoder, rowEncoder } from '../shared/row-codec.ts';
import { toLocalText } from '../shared/time.ts';
import { executionUpsertKeys, messageInsertKeys, transitionInsertKeys } from './statements.ts';

/**
 * The dipeo tables' row codecs, compiled from their Drizzle columns (row-codec.ts): SQL rows to
 * typed rows, and typed values to each insert's parameters.
 */

type Row = Record<string, unknown>;

export const toTransition: (row: Row) => Transition = rowDecoder(transitions);
export const toMessage: (row: Row) => Message = rowDecoder(messages);

/** JSON columns whose text the caller already made (and size-checked) are passed as that text. */
const jsonText = (text: string): string => text;

export const encodeTransition = rowEncoder(transitions, transitionInsertKeys, {
  payload: jsonText,
});
export const encodeMessage = rowEncoder(messages, messageInsertKeys, { content: jsonText });

/** A text column's value, refused past its size limit naming `table.column`. */
export function sized(table: string, column: string, value: string): string {
  checkColumnSize('dipeo', table, column, value);
  return value;
}

/**
 * The execution's JSON writers, built once: saveExecution is the hot write of a running diagram.
 * Each checks its value's shape and size; a value read by `readJson` and unchanged since is stored
 * as the text it was read from.
 */
export const executionJson = {
  nodeStates: jsonColumn('dipeo', 'executions', 'node_states', nodeStatesSchema),
  nodeOutputs: jsonColumn('dipeo', 'executions', 'node_outputs', nodeOutputsSchema),
  llmUsage: jsonColumn('dipeo', 'executions', 'llm_usage', llmUsageSchema),
  variables: jsonColumn('dipeo', 'executions', 'variables', variablesSchema),
  execCounts: jsonColumn('dipeo', 'executions', 'exec_counts', execCountsSchema),
  executedNodes: jsonColumn('dipeo', 'executions', 'executed_nodes', executedNodesSchema),
  metrics: jsonColumn('dipeo', 'executions', 'metrics', executionMetricsSchema),
};

const absent = (value: unknown): boolean => value === null || value === undefined;

type JsonKey = keyof typeof executionJson;

/** The JSON columns declared NOT NULL: a save gives each of them a value. */
const requiredJson = (Object.keys(executionJson) as JsonKey[]).filter(
  (key) => executions[key].notNull,
);

/**
 * Execution rows as DiPeO stores them, built once per client for its zone: local times read and
 * written by the zone's codec, and JSON kept with its text, so a row read and saved back
 * unchanged is stored byte for byte as it was. The encoder checks each value as it converts it
 * (sizes, shapes, a time the tool's format cannot hold), in the columns' order.
 */
export function executionCodecs(time: LocalTimestampCodec) {
  // Decoders are given the stored value: text in these columns (NULL is read as null before).
  const local = (value: unknown): Date => time.read(value as string);
  const json = (value: unknown): unknown => readJson(value as string);
  const E = 'executions';
  const toExecution: (row: Row) => Execution = rowDecoder(executions, {
    startedAt: local,
    endedAt: local,
    lastAccessed: local,
    nodeStates: json,
    nodeOutputs: json,
    llmUsage: json,
    variables: json,
    execCounts: json,
    executedNodes: json,
    metrics: json,
  });
  const convert = {
    diagramId: (id: string) => sized(E, 'diagram_id', id),
    startedAt: (date: Date) => toLocalText(time, E, 'started_at', date),
    endedAt: (date: Date) => toLocalText(time, E, 'ended_at', date),
    ...executionJson,
    error: (error: string) => sized(E, 'error', error),
    // The moment of the save, as DiPeO writes its local times.
    lastAccessed: (ms: number) => time.format(ms),
  };
  const encode = rowEncoder(executions, executionUpsertKeys, convert);
  const checks = convert as Record<string, ((value: unknown) => unknown) | undefined>;

  /**
   * The compiled encoder stores null as NULL, so a row missing a value a JSON column must hold
   * is checked column by column instead: the first bad value in the columns' order fails, the
   * missing one with its shape error, as it would fail if it were any other bad value.
   */
  function checkInOrder(row: Record<string, unknown>): never {
    for (const key of executionUpsertKeys) {
      const value = row[key];
      if (!absent(value) || (requiredJson as string[]).includes(key)) checks[key]?.(value);
    }
    throw new Error('unreachable: a required JSON column given no value passed its check');
  }

  return {
    toExecution,
    encodeExecution: (row: Parameters<typeof encode>[0]): unknown[] => {
      for (const key of requiredJson) if (absent(row[key])) checkInOrder(row);
      return encode(row);
    },
  };
}
