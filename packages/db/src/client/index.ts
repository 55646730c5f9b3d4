// The typed clients of the databases, and what they share.
import type { DatabaseName } from '@agentstate/schema';
import { dipeo } from '@agentstate/schema/dipeo';
import { engine } from '@agentstate/schema/engine';
import { mcpmaker } from '@agentstate/schema/mcpmaker';
import { multishot } from '@agentstate/schema/multishot';
import { pokecode } from '@agentstate/schema/pokecode';
import type { RunnerMode } from '../driver/operation.ts';
import type { ClientOptions, DriverTarget, ModeOf } from './shared/connection.ts';
import { createDipeoClient, type DipeoClient, type DipeoClientOptions } from './dipeo/client.ts';
import {
  createEngineClient,
  type EngineClient,
  type EngineClientOptions,
} from './engine/client.ts';
import { createTablesClient, type TablesClient } from './generic/tables-client.ts';
import { createMcpmakerClient, type McpmakerClient } from './mcpmaker/client.ts';
import { createMultishotClient, type MultishotClient } from './multishot/client.ts';
import {
  createPokecodeClient,
  type PokecodeClient,
  type PokecodeClientOptions,
} from './pokecode/client.ts';

/**
 * The databases that have a client of their own, written for their original tool, keyed by each
 * definition's own name (the registry is the one list of names).
 */
type HandMadeClients<M extends RunnerMode> = Record<
  typeof mcpmaker.name,
  { client: McpmakerClient<M>; options: ClientOptions }
> &
  Record<typeof multishot.name, { client: MultishotClient<M>; options: ClientOptions }> &
  Record<typeof dipeo.name, { client: DipeoClient<M>; options: DipeoClientOptions }> &
  Record<typeof pokecode.name, { client: PokecodeClient<M>; options: PokecodeClientOptions }> &
  Record<typeof engine.name, { client: EngineClient<M>; options: EngineClientOptions }>;

const handMadeClients: Record<
  keyof HandMadeClients<RunnerMode>,
  (target: DriverTarget, options?: never) => unknown
> = {
  [mcpmaker.name]: createMcpmakerClient,
  [multishot.name]: createMultishotClient,
  [dipeo.name]: createDipeoClient,
  [pokecode.name]: createPokecodeClient,
  [engine.name]: createEngineClient,
};

/**
 * The client `createClient(name, …)` gives: the database's own, else a TablesClient. `M` is
 * `sync` (values) on better-sqlite3 and bun:sqlite, `async` (promises) on libSQL.
 */
export type ClientOf<
  N extends DatabaseName,
  M extends RunnerMode = 'sync',
> = N extends keyof HandMadeClients<M> ? HandMadeClients<M>[N]['client'] : TablesClient<N, M>;
/** The options each client takes: the shared ones, and its own (a dipeo `timeZone`, ...). */
export type ClientOptionsFor<N extends DatabaseName> = N extends keyof HandMadeClients<'sync'>
  ? HandMadeClients<'sync'>[N]['options']
  : ClientOptions;

/**
 * The typed client of database `name` over an opened database, on any driver: its operations
 * return values on better-sqlite3 and bun:sqlite and promises on libSQL, so code that awaits
 * works on all three. On a synchronous driver each statement is prepared once.
 */
export function createClient<N extends DatabaseName, T extends DriverTarget>(
  name: N,
  target: T,
  options?: ClientOptionsFor<N>,
): ClientOf<N, ModeOf<T>> {
  const own = (
    handMadeClients as Partial<Record<string, (target: T, options: unknown) => unknown>>
  )[name];
  return (own ? own(target, options) : createTablesClient(name, target, options)) as ClientOf<
    N,
    ModeOf<T>
  >;
}

export {
  createTablesClient,
  LIST_LIMIT_MAX,
  type ListOptions,
  type PrimaryKeyOf,
  type TableClient,
  type TablesClient,
} from './generic/tables-client.ts';
export {
  createDipeoClient,
  createEngineClient,
  createMcpmakerClient,
  createMultishotClient,
  createPokecodeClient,
  type DipeoClient,
  type EngineClient,
  type McpmakerClient,
  type MultishotClient,
  type PokecodeClient,
};
export type { ClientOptions, ClientTarget, DriverTarget } from './shared/connection.ts';
export { createQueue, type QueueOptions, type QueueTarget } from './queues.ts';
export type { EngineWorkerQueue } from './engine/queue.ts';
export type { PokecodeQueue } from './pokecode/queue.ts';
export type {
  DipeoClientOptions,
  ExecutionInput,
  ListExecutionsOptions,
  MessageInput,
  TransitionInput,
} from './dipeo/client.ts';
export type {
  ClaimDueMissionOptions,
  DueMissionClaim,
  EngineClientOptions,
  NextRunChoice,
} from './engine/client.ts';
export { nextRunAfter, type OverlapPolicy, type Schedule } from './engine/schedule.ts';
export type { ScheduledMissionPatch } from './engine/mission-update.ts';
export type { ScheduleWorkerInput, WorkerFailOutcome } from './engine/queue.ts';
export type { PlaybackLogInput, RecordSessionInput } from './mcpmaker/client.ts';
export type {
  ConnectDeviceInput,
  CreateSessionInput,
  PokecodeClientOptions,
  SaveMessageInput,
} from './pokecode/client.ts';
export type { EnqueueJobInput, FailOutcome } from './pokecode/queue.ts';
export {
  JobCancelledError,
  LeaseLostError,
  NotFoundError,
  RowValidationError,
  SecretError,
  StateError,
  WorkerStoppedError,
} from './shared/errors.ts';
export type {
  JobContext,
  JobHandler,
  QueueWorker,
  WorkerEvent,
  WorkerOptions,
} from './shared/worker.ts';
export {
  createSearch,
  SEARCH_LIMIT_MAX,
  SearchQueryError,
  type SearchHit,
  type SearchOptions,
} from './shared/fts-query.ts';
export type { SearchMessagesOptions } from './pokecode/search.ts';
export { createPokecodeDeadLetters } from './pokecode/dead-letters.ts';
export { createEngineDeadLetters } from './engine/dead-letters.ts';
export { deadLetterQueues } from './dead-letter-queues.ts';
export {
  DEAD_LETTER_LIMIT_MAX,
  type DeadLetter,
  type DeadLetterListOptions,
} from './shared/dead-letters.ts';
export type { SearchDipeoMessagesOptions } from './dipeo/search.ts';
export type { SearchInsightsOptions } from './mcpmaker/search.ts';
export type { SearchOutputLogsOptions } from './multishot/search.ts';
export type { SearchStagedContentOptions } from './engine/search.ts';
export { DEFAULT_LEASE_MS, type ClaimOptions, type HeldLease } from './shared/lease.ts';
export {
  SECRET_KEY_ENV,
  SECRET_KEY_FILE_ENV,
  SecretBox,
  type SecretOptions,
} from './shared/secrets.ts';
