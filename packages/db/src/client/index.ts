// The typed clients of the databases, and what they share.
import type { DatabaseName } from '@agentstate/schema';
import { dipeo } from '@agentstate/schema/dipeo';
import { engine } from '@agentstate/schema/engine';
import { mcpmaker } from '@agentstate/schema/mcpmaker';
import { multishot } from '@agentstate/schema/multishot';
import { pokecode } from '@agentstate/schema/pokecode';
import type { ClientOptions, ClientTarget } from './shared/connection.ts';
import { createDipeoClient, type DipeoClient } from './dipeo/client.ts';
import { createEngineClient, type EngineClient } from './engine/client.ts';
import { createTablesClient, type TablesClient } from './generic/tables-client.ts';
import { createMcpmakerClient, type McpmakerClient } from './mcpmaker/client.ts';
import { createMultishotClient, type MultishotClient } from './multishot/client.ts';
import { createPokecodeClient, type PokecodeClient } from './pokecode/client.ts';

/** A client written by hand for one database, with the operations of its original tool. */
interface HandMadeClient<N extends DatabaseName, C, O extends ClientOptions> {
  name: N;
  create: (target: ClientTarget, options?: O) => C;
}
const handMade = <N extends DatabaseName, C, O extends ClientOptions>(
  definition: { name: N },
  create: (target: ClientTarget, options?: O) => C,
): HandMadeClient<N, C, O> => ({ name: definition.name, create });

/** The databases that have a client of their own; every other one gets a TablesClient. */
const handMadeClients = [
  handMade(mcpmaker, createMcpmakerClient),
  handMade(multishot, createMultishotClient),
  handMade(dipeo, createDipeoClient),
  handMade(pokecode, createPokecodeClient),
  handMade(engine, createEngineClient),
] as const;
type HandMade<N extends DatabaseName> = Extract<(typeof handMadeClients)[number], { name: N }>;

/** The client `createClient(name, …)` gives: the database's own, else a TablesClient. */
export type ClientOf<N extends DatabaseName> = [HandMade<N>] extends [never]
  ? TablesClient<N>
  : ReturnType<HandMade<N>['create']>;
/** The options each client takes: the shared ones, and its own (a dipeo `timeZone`, ...). */
export type ClientOptionsFor<N extends DatabaseName> = [HandMade<N>] extends [never]
  ? ClientOptions
  : NonNullable<Parameters<HandMade<N>['create']>[1]>;

/** The typed client of database `name` over an opened database (statements prepared once). */
export function createClient<N extends DatabaseName>(
  name: N,
  target: ClientTarget,
  options?: ClientOptionsFor<N>,
): ClientOf<N> {
  if ('driver' in target && (target as { driver: unknown }).driver === 'libsql') {
    throw new TypeError(
      `createClient('${name}'): on libSQL the queues run (createQueue); the other operations ` +
        'need better-sqlite3 or bun:sqlite for now',
    );
  }
  const own = handMadeClients.find((client) => client.name === name) as
    HandMadeClient<N, ClientOf<N>, ClientOptionsFor<N>> | undefined;
  return own
    ? own.create(target, options)
    : (createTablesClient(name, target, options) as ClientOf<N>);
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
export type { ClientOptions, ClientTarget } from './shared/connection.ts';
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
