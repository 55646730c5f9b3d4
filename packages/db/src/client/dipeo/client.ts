import {
  execCountsSchema,
  executedNodesSchema,
  executionMetricsSchema,
  executionRetentionDays,
  executionStatuses,
  llmUsageSchema,
  messageContentSchema,
  nodeOutputsSchema,
  nodeStatesSchema,
  transitionPayloadSchema,
  transitionPhases,
  variablesSchema,
  type ExecCounts,
  type ExecutedNodes,
  type Execution,
  type ExecutionMetrics,
  type ExecutionStatus,
  type LlmUsage,
  type Message,
  type MessageContent,
  type NodeOutputs,
  type NodeStates,
  type Transition,
  type TransitionPayload,
  type TransitionPhase,
  type Variables,
} from '@agentstate/schema/dipeo';
import {
  checkShape,
  optionalDate,
  optionalInt,
  optionalString,
  requireEnum,
  requireInt,
  requireString,
  toJsonText,
} from '../shared/checks.ts';
import { localTimestamps } from '@agentstate/schema';
import {
  clientContext,
  immediate,
  type ClientOptions,
  type ClientTarget,
} from '../shared/connection.ts';
import { columnError } from '../shared/errors.ts';
import { dipeoMessageId, insertWithFreshId, transitionId } from '../shared/ids.ts';
import { jsonColumn } from '../shared/json-column.ts';
import { checkColumnSize } from '../shared/limits.ts';
import { toLocalText, toSqliteDateTime } from '../shared/time.ts';
import { createMessageSearch } from './search.ts';
import { executionReader, toMessage, toTransition } from './rows.ts';
import { prepareDipeo } from './statements.ts';

const statusSet: ReadonlySet<string> = new Set(executionStatuses);
const phaseSet: ReadonlySet<string> = new Set(transitionPhases);
const DAY_MS = 86_400_000;

/** `transitions.payload`, written on every event of a running diagram. */
const transitionPayload = jsonColumn('dipeo', 'transitions', 'payload', transitionPayloadSchema);

/** The execution's JSON columns, built once: saveExecution is the hot write of a running diagram. */
const executionJson = {
  nodeStates: jsonColumn('dipeo', 'executions', 'node_states', nodeStatesSchema),
  nodeOutputs: jsonColumn('dipeo', 'executions', 'node_outputs', nodeOutputsSchema),
  llmUsage: jsonColumn('dipeo', 'executions', 'llm_usage', llmUsageSchema),
  variables: jsonColumn('dipeo', 'executions', 'variables', variablesSchema),
  execCounts: jsonColumn('dipeo', 'executions', 'exec_counts', execCountsSchema),
  executedNodes: jsonColumn('dipeo', 'executions', 'executed_nodes', executedNodesSchema),
  metrics: jsonColumn('dipeo', 'executions', 'metrics', executionMetricsSchema),
};

export interface DipeoClientOptions extends ClientOptions {
  /**
   * The IANA zone DiPeO wrote its zone-less `started_at`, `ended_at` and `last_accessed` in
   * (e.g. `'Asia/Seoul'`); default: this process's local zone (TZ).
   */
  timeZone?: string;
}

export interface ExecutionInput {
  executionId: string;
  status: ExecutionStatus;
  diagramId?: string | null;
  startedAt: Date;
  endedAt?: Date | null;
  nodeStates: NodeStates;
  nodeOutputs: NodeOutputs;
  llmUsage: LlmUsage;
  error?: string | null;
  variables: Variables;
  execCounts?: ExecCounts;
  executedNodes?: ExecutedNodes;
  metrics?: ExecutionMetrics | null;
}

export interface TransitionInput {
  executionId: string;
  nodeId?: string | null;
  phase: TransitionPhase;
  /** `{ event_type, data }`; event_type defaults to `phase`. */
  payload?: Partial<TransitionPayload>;
  /** Explicit seq (an event replayed with its own number): a duplicate is not stored twice. */
  seq?: number;
}

export interface MessageInput {
  executionId: string;
  nodeId: string;
  personId?: string | null;
  content: MessageContent;
  tokenCount?: number | null;
}

export interface ListExecutionsOptions {
  diagramId?: string;
  status?: ExecutionStatus;
  limit?: number;
  offset?: number;
}

function sized(table: string, column: string, value: string): string {
  checkColumnSize('dipeo', table, column, value);
  return value;
}

/** The typed client of the dipeo database: executions, their transitions and messages. */
export function createDipeoClient(target: ClientTarget, options: DipeoClientOptions = {}) {
  // The zone first: a bad one is an option error before anything else happens.
  const time = localTimestamps(options.timeZone);
  const ctx = clientContext(target, options);
  const { clock } = ctx;
  const st = prepareDipeo(ctx.sqlite);
  const toExecution = executionReader(time);

  /** Checks an execution and upserts it: the hot write, so the values go straight to SQLite. */
  function upsertExecution(input: ExecutionInput): void {
    const T = 'executions';
    const id = sized(T, 'execution_id', requireString(T, 'execution_id', input.executionId));
    const startedAt = optionalDate(T, 'started_at', input.startedAt);
    if (startedAt === null)
      columnError(T, 'started_at', 'Invalid input: expected a Date (required)');
    const endedAt = optionalDate(T, 'ended_at', input.endedAt);
    const diagramId = optionalString(T, 'diagram_id', input.diagramId);
    const error = optionalString(T, 'error', input.error);
    st.upsertExecution.run(
      id,
      requireEnum(T, 'status', input.status, statusSet),
      diagramId === null ? null : sized(T, 'diagram_id', diagramId),
      toLocalText(time, T, 'started_at', startedAt),
      endedAt === null ? null : toLocalText(time, T, 'ended_at', endedAt),
      executionJson.nodeStates(input.nodeStates),
      executionJson.nodeOutputs(input.nodeOutputs),
      executionJson.llmUsage(input.llmUsage),
      error === null ? null : sized(T, 'error', error),
      executionJson.variables(input.variables),
      // Left out means none yet; null is checked (and rejected) like any other value.
      executionJson.execCounts(input.execCounts === undefined ? {} : input.execCounts),
      executionJson.executedNodes(input.executedNodes === undefined ? [] : input.executedNodes),
      input.metrics === undefined || input.metrics === null
        ? null
        : executionJson.metrics(input.metrics),
      time.format(clock()),
    );
  }

  function transitionParams(input: TransitionInput) {
    const T = 'transitions';
    const executionId = sized(
      T,
      'execution_id',
      requireString(T, 'execution_id', input.executionId),
    );
    const nodeId = optionalString(T, 'node_id', input.nodeId);
    const phase = requireEnum<TransitionPhase>(T, 'phase', input.phase, phaseSet);
    // The caller's own keys, as a spread reads them; event_type and data left out or undefined
    // take their defaults (keys the shape does not name would be dropped by zod anyway).
    const given: Partial<TransitionPayload> = { ...input.payload };
    return {
      executionId,
      nodeId: nodeId === null ? null : sized(T, 'node_id', nodeId),
      phase,
      payloadText: transitionPayload({
        event_type: given.event_type === undefined ? phase : given.event_type,
        data: given.data === undefined ? {} : given.data,
      }),
    };
  }

  const cleanupTx = immediate(ctx.sqlite, (cutoff: string) => {
    const transitions = st.cleanupTransitions.run(cutoff).changes;
    const messages = st.cleanupMessages.run(cutoff).changes;
    const executions = st.cleanupExecutions.run(cutoff).changes;
    return { executions, transitions, messages };
  });

  return {
    sqlite: ctx.sqlite,
    transaction: <R>(fn: () => R): R => immediate(ctx.sqlite, fn)(),
    /** Full-text search of the messages' text, best first, with snippets (search.ts). */
    searchMessages: createMessageSearch(ctx.sqlite),

    /** Persists an execution: inserts it, or updates every mutable column of the stored one. */
    saveExecution(input: ExecutionInput): void {
      upsertExecution(input);
    },

    /** Reads an execution without counting the access. */
    getExecution(executionId: string): Execution | undefined {
      const row = st.getExecution.get(executionId) as Record<string, unknown> | undefined;
      return row && toExecution(row);
    },

    /** Loads an execution, counting the access (access_count + 1, last_accessed = now, local). */
    loadExecution(executionId: string): Execution | undefined {
      const row = st.loadExecution.get(time.format(clock()), executionId) as
        Record<string, unknown> | undefined;
      return row && toExecution(row);
    },

    /** Running and pending executions, most used first: what a warm cache keeps loaded. */
    warmCache(limit = 100): Execution[] {
      const rows = st.warmCache.all(requireInt('executions', 'limit', limit, 0));
      return (rows as Array<Record<string, unknown>>).map(toExecution);
    },

    listExecutions(options: ListExecutionsOptions = {}): Execution[] {
      const rows = st.listExecutions.all({
        diagram: options.diagramId ?? null,
        status: options.status ?? null,
        limit: requireInt('executions', 'limit', options.limit ?? 100, 0),
        offset: requireInt('executions', 'offset', options.offset ?? 0, 0),
      });
      return (rows as Array<Record<string, unknown>>).map(toExecution);
    },

    /**
     * Deletes executions started more than `retentionDays` ago (default 7), with their
     * transitions and messages, in one transaction.
     */
    cleanup(retentionDays: number = executionRetentionDays) {
      const days = requireInt('executions', 'started_at', retentionDays, 0);
      // started_at is local text: the cutoff is too, so the two compare as text.
      return cleanupTx(time.format(clock() - days * DAY_MS));
    },

    /**
     * Appends an event. Without `seq` the database allocates the next one for the execution (so a
     * resumed execution continues after its last event); with `seq`, an event already stored under
     * that number is left as it is (`stored: false`).
     */
    appendTransition(input: TransitionInput): { seq: number; id: string; stored: boolean } {
      const p = transitionParams(input);
      const createdAt = toSqliteDateTime(clock());
      if (input.seq === undefined) {
        const seq = st.appendTransition.pluck().get({
          execution: p.executionId,
          node: p.nodeId,
          phase: p.phase,
          payload: p.payloadText,
          created: createdAt,
        }) as number | undefined;
        if (seq === undefined) {
          columnError('transitions', 'seq', `the next seq would pass ${Number.MAX_SAFE_INTEGER}`);
        }
        return { seq, id: transitionId(p.executionId, seq), stored: true };
      }
      const seq = requireInt('transitions', 'seq', input.seq, 1);
      const id = transitionId(p.executionId, seq);
      const stored =
        st.insertTransitionAt.run(
          id,
          p.executionId,
          p.nodeId,
          p.phase,
          seq,
          p.payloadText,
          createdAt,
        ).changes > 0;
      return { seq, id, stored };
    },

    /** An execution's events in seq order, optionally only those after `afterSeq`. */
    listTransitions(executionId: string, afterSeq = 0): Transition[] {
      const rows = st.listTransitions.all(executionId, afterSeq) as Array<Record<string, unknown>>;
      return rows.map(toTransition);
    },

    lastSeq(executionId: string): number {
      return st.lastSeq.pluck().get(executionId) as number;
    },

    /** Stores one conversation turn; the id is `<execution_id>:<node_id>:<utc seconds>`. */
    appendMessage(input: MessageInput): Message {
      const T = 'messages';
      const executionId = sized(
        T,
        'execution_id',
        requireString(T, 'execution_id', input.executionId),
      );
      const nodeId = sized(T, 'node_id', requireString(T, 'node_id', input.nodeId));
      const personId = optionalString(T, 'person_id', input.personId);
      if (personId !== null) sized(T, 'person_id', personId);
      const content = checkShape(T, 'content', messageContentSchema, input.content);
      const contentText = sized(T, 'content', toJsonText(T, 'content', content));
      const tokenCount = optionalInt(T, 'token_count', input.tokenCount, 0);
      const now = clock();
      const createdAt = toSqliteDateTime(now);
      const id = insertWithFreshId(
        () => dipeoMessageId(executionId, nodeId, now),
        (id) => {
          st.insertMessage.run(
            id,
            executionId,
            nodeId,
            personId,
            contentText,
            tokenCount,
            createdAt,
          );
          return id;
        },
      );
      return {
        id,
        executionId,
        nodeId,
        personId,
        content,
        tokenCount,
        createdAt: new Date(Math.floor(now / 1000) * 1000),
      };
    },

    /** An execution's messages (optionally one person's) in the order they were stored. */
    listMessages(executionId: string, personId?: string): Message[] {
      const rows = st.listMessages.all({ execution: executionId, person: personId ?? null });
      return (rows as Array<Record<string, unknown>>).map(toMessage);
    },
  };
}

export type DipeoClient = ReturnType<typeof createDipeoClient>;
