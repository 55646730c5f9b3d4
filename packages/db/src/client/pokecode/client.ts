import type { z } from 'zod';
import { parseRow } from '@agentstate/schema';
import {
  deviceRows,
  sessionRows,
  messageTypes,
  providers,
  sessions,
  devices,
  type Device,
  type MessageType,
  type Provider,
  type Session,
  type SessionMessage,
} from '@agentstate/schema/pokecode';
import { get, run, type Operation, type Row, type RunnerMode } from '../../driver/operation.ts';
import { optionalInt, optionalString, requireEnum, requireString } from '../shared/checks.ts';
import {
  clientContext,
  type ClientContext,
  type ClientOptions,
  type DriverTarget,
  type ModeOf,
} from '../shared/connection.ts';
import { explainConstraint } from '../shared/constraints.ts';
import { queueErrors, rowOf, rowsOf, SINGLE_WRITE, WRITE } from '../shared/operations.ts';
import { pokecodeId } from '../shared/ids.ts';
import {
  checkRowSizes,
  checkSize,
  DEFAULT_MAX_BYTES,
  PAYLOAD_MAX_BYTES,
} from '../shared/limits.ts';
import { toSeconds } from '../shared/time.ts';
import { replicaQueueError } from '../queues.ts';
import { createPokecodeQueue, type PokecodeQueueOptions } from './queue.ts';
import {
  encodeDevice,
  encodeMessage,
  encodeSession,
  toDevice,
  toMessage,
  toSession,
} from './rows.ts';
import { createPokecodeDeadLetters } from './dead-letters.ts';
import { createMessageSearch } from './search.ts';
import { pokecodeSql as sql } from './statements.ts';

const MESSAGES = 'session_messages';
const providerSet: ReadonlySet<string> = new Set(providers);
const messageTypeSet: ReadonlySet<string> = new Set(messageTypes);

export type CreateSessionInput = Omit<
  z.input<typeof sessionRows.insert>,
  | 'createdAt'
  | 'updatedAt'
  | 'lastAccessedAt'
  | 'isWorking'
  | 'currentJobId'
  | 'lastJobStatus'
  | 'messageCount'
  | 'tokenCount'
  | 'lastMessageSentAt'
  | 'id'
  | 'metadata'
> & { id?: string; metadata?: Session['metadata'] };

export interface SaveMessageInput {
  sessionId: string;
  provider: Provider;
  type: MessageType;
  /** The provider's raw event text, stored verbatim. */
  contentData?: string | null;
  providerSessionId?: string | null;
  tokenCount?: number | null;
  id?: string;
}

export interface ConnectDeviceInput {
  deviceId: string;
  deviceName: string;
  platform?: string | null;
  appVersion?: string | null;
}

export interface PokecodeClientOptions extends ClientOptions, PokecodeQueueOptions {}

/**
 * The typed client of the pokecode database: sessions, messages, devices and the job queue. On
 * better-sqlite3 and bun:sqlite its operations return values, on libSQL promises.
 */
export function createPokecodeClient<T extends DriverTarget>(
  target: T,
  options: PokecodeClientOptions = {},
): PokecodeClient<ModeOf<T>> {
  return pokecodeClient(clientContext(target, options), options);
}

function pokecodeClient<M extends RunnerMode>(
  ctx: ClientContext<M>,
  options: PokecodeClientOptions,
) {
  const { clock, runner, foreignKeys } = ctx;
  const jobs = createPokecodeQueue(
    runner,
    clock,
    options,
    queueErrors(ctx, 'job_queue'),
    ctx.channel('job_queue'),
  );

  // Each operation's steps, built once per client: a generator function created per call would
  // cost more than the statement it runs (V8 gives every generator function a prototype of its own).
  function* insertSession(params: Row, values: unknown[]): Operation<Session> {
    try {
      return toSession((yield get(sql.insertSession, values)) as Row);
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, 'sessions', params, error);
    }
  }
  function* touchSession(seconds: number, id: string): Operation<boolean> {
    return (yield get(sql.touchSession, [seconds, id])) !== undefined;
  }
  function* saveMessage(values: unknown[], message: SessionMessage): Operation<SessionMessage> {
    try {
      yield run(sql.insertMessage, values);
    } catch (error) {
      const columns = { id: message.id, session_id: message.sessionId };
      throw yield* explainConstraint(foreignKeys, MESSAGES, columns, error);
    }
    const seconds = toSeconds(message.createdAt);
    yield run(sql.bumpSessionCounters, [
      message.tokenCount ?? 0,
      seconds,
      seconds,
      message.sessionId,
    ]);
    return message;
  }
  function* upsertDevice(values: unknown[]): Operation<Device> {
    return toDevice((yield get(sql.upsertDevice, values)) as Row);
  }

  return {
    sqlite: ctx.sqlite,
    /** Runs `fn` in one `BEGIN IMMEDIATE` transaction (client calls inside become savepoints). */
    transaction: ctx.transaction,
    /** The job queue; on a libSQL sync replica it throws (a job would be claimed twice). */
    get jobs() {
      if (ctx.replica !== undefined) throw replicaQueueError('job_queue', ctx.replica);
      return jobs;
    },
    /** Full-text search of the messages' text, best first, with snippets (search.ts). */
    searchMessages: createMessageSearch(runner),
    /** Failed jobs with their last error; retry one or all (dead-letters.ts). */
    deadLetters: createPokecodeDeadLetters(runner, clock, ctx.channel('job_queue')),

    createSession(input: CreateSessionInput) {
      const now = new Date(toSeconds(clock()) * 1000);
      const row = parseRow(sessions, sessionRows.insert, {
        ...input,
        id: input.id ?? pokecodeId(),
        createdAt: now,
        updatedAt: now,
        lastAccessedAt: now,
      });
      const params = {
        id: row.id,
        provider: row.provider,
        project_path: row.projectPath,
        name: row.name,
        context: row.context ?? null,
        claude_directory_path: row.claudeDirectoryPath ?? null,
        metadata:
          row.metadata === undefined || row.metadata === null ? null : JSON.stringify(row.metadata),
        state: row.state ?? 'active',
      };
      checkRowSizes('pokecode', 'sessions', params);
      const values = encodeSession({ ...row, metadata: params.metadata, state: params.state });
      return runner.run(() => insertSession(params, values), SINGLE_WRITE);
    },

    getSession(id: string) {
      return rowOf(runner, sql.getSession, [id], toSession);
    },

    /** Records that a session was opened now. */
    touchSession(id: string) {
      const seconds = toSeconds(clock());
      return runner.run(() => touchSession(seconds, id), SINGLE_WRITE);
    },

    /**
     * Appends a message and bumps the session's message_count, token_count and
     * last_message_sent_at, in one transaction. Returns the stored message.
     */
    saveMessage(input: SaveMessageInput) {
      const sessionId = requireString(MESSAGES, 'session_id', input.sessionId);
      const provider = requireEnum<Provider>(MESSAGES, 'provider', input.provider, providerSet);
      const type = requireEnum<MessageType>(MESSAGES, 'type', input.type, messageTypeSet);
      const contentData = optionalString(MESSAGES, 'content_data', input.contentData);
      const providerSessionId = optionalString(
        MESSAGES,
        'provider_session_id',
        input.providerSessionId,
      );
      const tokenCount = optionalInt(MESSAGES, 'token_count', input.tokenCount, 0);
      const id = input.id === undefined ? pokecodeId() : requireString(MESSAGES, 'id', input.id);
      checkSize(MESSAGES, 'id', id, DEFAULT_MAX_BYTES);
      checkSize(MESSAGES, 'session_id', sessionId, DEFAULT_MAX_BYTES);
      if (contentData !== null) checkSize(MESSAGES, 'content_data', contentData, PAYLOAD_MAX_BYTES);
      if (providerSessionId !== null) {
        checkSize(MESSAGES, 'provider_session_id', providerSessionId, DEFAULT_MAX_BYTES);
      }
      const message: SessionMessage = {
        id,
        sessionId,
        provider,
        type,
        contentData,
        providerSessionId,
        tokenCount,
        createdAt: new Date(toSeconds(clock()) * 1000),
      };
      const values = encodeMessage(message);
      return runner.run(() => saveMessage(values, message), WRITE);
    },

    /** A session's messages in append order: what a resumed session replays. */
    listMessages(sessionId: string) {
      return rowsOf(runner, sql.listMessages, [sessionId], toMessage);
    },

    /** Registers a device or records that it connected again. */
    connectDevice(input: ConnectDeviceInput) {
      const seconds = toSeconds(clock());
      const now = new Date(seconds * 1000);
      const row = parseRow(devices, deviceRows.insert, { ...input, createdAt: now });
      const params = {
        device_id: row.deviceId,
        device_name: row.deviceName,
        platform: row.platform ?? null,
        app_version: row.appVersion ?? null,
      };
      checkRowSizes('pokecode', 'devices', params);
      const values = encodeDevice({ ...row, updatedAt: now, lastConnectedAt: now });
      return runner.run(() => upsertDevice(values), SINGLE_WRITE);
    },

    listDevices() {
      return rowsOf(runner, sql.listDevices, [], toDevice);
    },
  };
}

/** The pokecode client: `sync` (values) on better-sqlite3 and bun:sqlite, `async` on libSQL. */
export type PokecodeClient<M extends RunnerMode = 'sync'> = ReturnType<typeof pokecodeClient<M>>;
