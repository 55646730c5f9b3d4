// The typed clients of the five databases, and what they share.
import type { DatabaseName } from '../database-names.ts';
import type { ClientOptions, ClientTarget } from './shared/connection.ts';
import { createDipeoClient, type DipeoClient, type DipeoClientOptions } from './dipeo/client.ts';
import {
  createEngineClient,
  type EngineClient,
  type EngineClientOptions,
} from './engine/client.ts';
import { createMcpmakerClient, type McpmakerClient } from './mcpmaker/client.ts';
import { createMultishotClient, type MultishotClient } from './multishot/client.ts';
import {
  createPokecodeClient,
  type PokecodeClient,
  type PokecodeClientOptions,
} from './pokecode/client.ts';

export interface Clients {
  mcpmaker: McpmakerClient;
  multishot: MultishotClient;
  dipeo: DipeoClient;
  pokecode: PokecodeClient;
  engine: EngineClient;
}

/** The options each client takes: the shared ones, and its own (a dipeo `timeZone`, ...). */
export interface ClientOptionsOf {
  mcpmaker: ClientOptions;
  multishot: ClientOptions;
  dipeo: DipeoClientOptions;
  pokecode: PokecodeClientOptions;
  engine: EngineClientOptions;
}

const factories: {
  [N in DatabaseName]: (target: ClientTarget, options?: ClientOptionsOf[N]) => Clients[N];
} = {
  mcpmaker: createMcpmakerClient,
  multishot: createMultishotClient,
  dipeo: createDipeoClient,
  pokecode: createPokecodeClient,
  engine: createEngineClient,
};

/** The typed client of database `name` over an opened database (statements prepared once). */
export function createClient<N extends DatabaseName>(
  name: N,
  target: ClientTarget,
  options?: ClientOptionsOf[N],
): Clients[N] {
  return factories[name](target, options) as Clients[N];
}

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
export type {
  DipeoClientOptions,
  ExecutionInput,
  ListExecutionsOptions,
  MessageInput,
  TransitionInput,
} from './dipeo/client.ts';
export type { DueMissionClaim, EngineClientOptions } from './engine/client.ts';
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
  LeaseLostError,
  NotFoundError,
  RowValidationError,
  SecretError,
  StateError,
} from './shared/errors.ts';
export { DEFAULT_LEASE_MS, type ClaimOptions, type HeldLease } from './shared/lease.ts';
export {
  SECRET_KEY_ENV,
  SECRET_KEY_FILE_ENV,
  SecretBox,
  type SecretOptions,
} from './shared/secrets.ts';
