import {
  executionRetentionDays,
  executionStatuses,
  messageContentSchema,
  transitionPayloadSchema,
  transitionPhases,
  type ExecCounts,
  type ExecutedNodes,
  type ExecutionMetrics,
  type ExecutionStatus,
  type LlmUsage,
  type Message,
  type MessageContent,
  type NodeOutputs,
  type NodeStates,
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
  get,
  pluck,
  run,
  type Operation,
  type Row,
  type RunnerMode,
} from '../../driver/operation.ts';
import {
  clientContext,
  type ClientContext,
  type ClientOptions,
  type DriverTarget,
  type ModeOf,
} from '../shared/connection.ts';
import { numberOf, rowOf, rowsOf, SINGLE_WRITE, write, WRITE } from '../shared/operations.ts';
import { columnError } from '../shared/errors.ts';
import { dipeoMessageId, insertWithFreshId, transitionId } from '../shared/ids.ts';
import { jsonColumn } from '../shared/json-column.ts';
import { toSqliteDateTime } from '../shared/time.ts';
import { createMessageSearch } from './search.ts';
import {
  encodeMessage,
  encodeTransition,
  executionCodecs,
  sized,
  toMessage,
  toTransition,
} from './rows.ts';
import { dipeoSql as sql } from './statements.ts';

const statusSet: ReadonlySet<string> = new Set(executionStatuses);
const phaseSet: ReadonlySet<string> = new Set(transitionPhases);
const DAY_MS = 86_400_000;

/** `transitions.payload`, written on every event of a running diagram. */
const transitionPayload = jsonColumn('dipeo', 'transitions', 'payload', transitionPayloadSchema);

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

/**
 * The typed client of the dipeo database: executions, their transitions and messages. On
 * better-sqlite3 and bun:sqlite its operations return values, on libSQL promises.
 */
export function createDipeoClient<T extends DriverTarget>(
  target: T,
  options: DipeoClientOptions = {},
): DipeoClient<ModeOf<T>> {
  // The zone first: a bad one is an option error before anything else happens.
  const time = localTimestamps(options.timeZone);
  return dipeoClient(clientContext(target, options), time);
}

function dipeoClient<M extends RunnerMode>(
  ctx: ClientContext<M>,
  time: ReturnType<typeof localTimestamps>,
) {
  const { clock, runner } = ctx;
  // The zone's codecs, compiled once per client.
  const { toExecution, encodeExecution } = executionCodecs(time);

  // The multi-step operations, built once per client (see operation.ts).
  function* cleanup(cutoff: string) {
    const transitions = (yield run(sql.cleanupTransitions, [cutoff])) as number;
    const messages = (yield run(sql.cleanupMessages, [cutoff])) as number;
    const executions = (yield run(sql.cleanupExecutions, [cutoff])) as number;
    return { executions, transitions, messages };
  }
  type Appended = { seq: number; id: string; stored: boolean };
  function* appendTransition(executionId: string, params: Row): Operation<Appended> {
    const seq = (yield pluck(sql.appendTransition, params)) as number | undefined;
    if (seq === undefined) {
      columnError('transitions', 'seq', `the next seq would pass ${Number.MAX_SAFE_INTEGER}`);
    }
    return { seq, id: transitionId(executionId, seq), stored: true };
  }
  function* insertTransitionAt(id: string, seq: number, params: unknown[]): Operation<Appended> {
    const stored = (yield get(sql.insertTransitionAt, params)) !== undefined;
    return { seq, id, stored };
  }
  type MessageRow = Omit<Message, 'id' | 'content'> & { content: string };
  function* insertMessage(id: string, row: MessageRow): Operation<string> {
    yield run(sql.insertMessage, encodeMessage({ ...row, id }));
    return id;
  }
  function* appendMessage(
    message: Omit<Message, 'id' | 'createdAt'>,
    row: MessageRow,
    now: number,
  ): Operation<Message> {
    const id = yield* insertWithFreshId(
      () => dipeoMessageId(message.executionId, message.nodeId, now),
      (fresh) => insertMessage(fresh, row),
    );
    return { id, ...message, createdAt: new Date(Math.floor(now / 1000) * 1000) };
  }

  /** Checks an execution: the hot write, so the values go straight to SQLite. */
  function executionParams(input: ExecutionInput): unknown[] {
    const T = 'executions';
    const id = sized(T, 'execution_id', requireString(T, 'execution_id', input.executionId));
    const startedAt = optionalDate(T, 'started_at', input.startedAt);
    if (startedAt === null)
      columnError(T, 'started_at', 'Invalid input: expected a Date (required)');
    const endedAt = optionalDate(T, 'ended_at', input.endedAt);
    const diagramId = optionalString(T, 'diagram_id', input.diagramId);
    const error = optionalString(T, 'error', input.error);
    const status = requireEnum<ExecutionStatus>(T, 'status', input.status, statusSet);
    const row = {
      executionId: id,
      status,
      diagramId,
      startedAt,
      endedAt,
      nodeStates: input.nodeStates,
      nodeOutputs: input.nodeOutputs,
      llmUsage: input.llmUsage,
      error,
      variables: input.variables,
      // Left out means none yet; null is checked (and rejected) like any other value.
      execCounts: input.execCounts === undefined ? {} : input.execCounts,
      executedNodes: input.executedNodes === undefined ? [] : input.executedNodes,
      metrics: input.metrics,
      lastAccessed: clock(),
    };
    // The remaining checks run as each column is encoded (rows.ts), in the columns' order.
    return encodeExecution(row);
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
      payload: transitionPayload({
        event_type: given.event_type === undefined ? phase : given.event_type,
        data: given.data === undefined ? {} : given.data,
      }),
    };
  }

  return {
    sqlite: ctx.sqlite,
    transaction: ctx.transaction,
    /** Full-text search of the messages' text, best first, with snippets (search.ts). */
    searchMessages: createMessageSearch(runner),

    /** Persists an execution: inserts it, or updates every mutable column of the stored one. */
    saveExecution(input: ExecutionInput) {
      const params = executionParams(input);
      return write(runner, sql.upsertExecution, params);
    },

    /** Reads an execution without counting the access. */
    getExecution(executionId: string) {
      return rowOf(runner, sql.getExecution, [executionId], toExecution);
    },

    /** Loads an execution, counting the access (access_count + 1, last_accessed = now, local). */
    loadExecution(executionId: string) {
      const now = time.format(clock());
      return rowOf(runner, sql.loadExecution, [now, executionId], toExecution, SINGLE_WRITE);
    },

    /** Running and pending executions, most used first: what a warm cache keeps loaded. */
    warmCache(limit = 100) {
      const checked = requireInt('executions', 'limit', limit, 0);
      return rowsOf(runner, sql.warmCache, [checked], toExecution);
    },

    listExecutions(options: ListExecutionsOptions = {}) {
      const params = {
        diagram: options.diagramId ?? null,
        status: options.status ?? null,
        limit: requireInt('executions', 'limit', options.limit ?? 100, 0),
        offset: requireInt('executions', 'offset', options.offset ?? 0, 0),
      };
      return rowsOf(runner, sql.listExecutions, params, toExecution);
    },

    /**
     * Deletes executions started more than `retentionDays` ago (default 7), with their
     * transitions and messages, in one transaction.
     */
    cleanup(retentionDays: number = executionRetentionDays) {
      const days = requireInt('executions', 'started_at', retentionDays, 0);
      // started_at is local text: the cutoff is too, so the two compare as text.
      const cutoff = time.format(clock() - days * DAY_MS);
      return runner.run(() => cleanup(cutoff), WRITE);
    },

    /**
     * Appends an event. Without `seq` the database allocates the next one for the execution (so a
     * resumed execution continues after its last event); with `seq`, an event already stored under
     * that number is left as it is (`stored: false`).
     */
    appendTransition(input: TransitionInput) {
      const p = transitionParams(input);
      const now = clock();
      if (input.seq === undefined) {
        const params = {
          execution: p.executionId,
          node: p.nodeId,
          phase: p.phase,
          payload: p.payload,
          created: toSqliteDateTime(now),
        };
        return runner.run(() => appendTransition(p.executionId, params), SINGLE_WRITE);
      }
      const seq = requireInt('transitions', 'seq', input.seq, 1);
      const id = transitionId(p.executionId, seq);
      const params = encodeTransition({ ...p, id, seq, createdAt: new Date(now) });
      return runner.run(() => insertTransitionAt(id, seq, params), SINGLE_WRITE);
    },

    /** An execution's events in seq order, optionally only those after `afterSeq`. */
    listTransitions(executionId: string, afterSeq = 0) {
      return rowsOf(runner, sql.listTransitions, [executionId, afterSeq], toTransition);
    },

    lastSeq(executionId: string) {
      return numberOf(runner, sql.lastSeq, [executionId]);
    },

    /** Stores one conversation turn; the id is `<execution_id>:<node_id>:<utc seconds>`. */
    appendMessage(input: MessageInput) {
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
      const message = { executionId, nodeId, personId, content, tokenCount };
      const row = { ...message, content: contentText, createdAt: new Date(now) };
      return runner.run(() => appendMessage(message, row, now), WRITE);
    },

    /** An execution's messages (optionally one person's) in the order they were stored. */
    listMessages(executionId: string, personId?: string) {
      const params = { execution: executionId, person: personId ?? null };
      return rowsOf(runner, sql.listMessages, params, toMessage);
    },
  };
}

/** The dipeo client: `sync` (values) on better-sqlite3 and bun:sqlite, `async` on libSQL. */
export type DipeoClient<M extends RunnerMode = 'sync'> = ReturnType<typeof dipeoClient<M>>;
