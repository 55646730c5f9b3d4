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
import { optionalInt, optionalString, requireEnum, requireString } from '../shared/checks.ts';
import {
  clientContext,
  immediate,
  type ClientOptions,
  type ClientTarget,
} from '../shared/connection.ts';
import { constraintError } from '../shared/constraints.ts';
import { pokecodeId } from '../shared/ids.ts';
import {
  checkRowSizes,
  checkSize,
  DEFAULT_MAX_BYTES,
  PAYLOAD_MAX_BYTES,
} from '../shared/limits.ts';
import { toSeconds } from '../shared/time.ts';
import { syncRunner } from '../../driver/sync-runner.ts';
import { queueChannel } from '../shared/wakeups.ts';
import { createPokecodeQueue, type PokecodeQueueOptions } from './queue.ts';
import { toDevice, toMessage, toSession } from './rows.ts';
import { createPokecodeDeadLetters } from './dead-letters.ts';
import { createMessageSearch } from './search.ts';
import { preparePokecode } from './statements.ts';

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

/** The typed client of the pokecode database: sessions, messages, devices and the job queue. */
export function createPokecodeClient(target: ClientTarget, options: PokecodeClientOptions = {}) {
  const ctx = clientContext(target, options);
  const { clock } = ctx;
  const st = preparePokecode(ctx.sqlite);

  const saveMessageTx = immediate(
    ctx.sqlite,
    (args: unknown[], tokens: number, sessionId: string, seconds: number) => {
      st.insertMessage.run(args);
      st.bumpSessionCounters.run(tokens, seconds, seconds, sessionId);
    },
  );

  return {
    sqlite: ctx.sqlite,
    /** Runs `fn` in one `BEGIN IMMEDIATE` transaction (client calls inside become savepoints). */
    transaction: <R>(fn: () => R): R => immediate(ctx.sqlite, fn)(),
    jobs: createPokecodeQueue(
      syncRunner(ctx.sqlite),
      clock,
      options,
      (error, values) => constraintError(ctx.sqlite, 'job_queue', values, error),
      queueChannel(ctx.sqlite, 'job_queue'),
    ),
    /** Full-text search of the messages' text, best first, with snippets (search.ts). */
    searchMessages: createMessageSearch(ctx.sqlite),
    /** Failed jobs with their last error; retry one or all (dead-letters.ts). */
    deadLetters: createPokecodeDeadLetters(ctx.sqlite, clock),

    createSession(input: CreateSessionInput): Session {
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
      const seconds = toSeconds(now);
      try {
        const stored = st.insertSession.get(
          params.id,
          params.provider,
          params.project_path,
          params.name,
          params.context,
          params.claude_directory_path,
          params.metadata,
          seconds,
          seconds,
          seconds,
          params.state,
        ) as Record<string, unknown>;
        return toSession(stored);
      } catch (error) {
        throw constraintError(ctx.sqlite, 'sessions', params, error);
      }
    },

    getSession(id: string): Session | undefined {
      const row = st.getSession.get(id) as Record<string, unknown> | undefined;
      return row && toSession(row);
    },

    /** Records that a session was opened now. */
    touchSession(id: string): boolean {
      return st.touchSession.get(toSeconds(clock()), id) !== undefined;
    },

    /**
     * Appends a message and bumps the session's message_count, token_count and
     * last_message_sent_at, in one transaction. Returns the stored message.
     */
    saveMessage(input: SaveMessageInput): SessionMessage {
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
      const seconds = toSeconds(clock());
      try {
        saveMessageTx(
          [id, sessionId, provider, type, contentData, providerSessionId, tokenCount, seconds],
          tokenCount ?? 0,
          sessionId,
          seconds,
        );
      } catch (error) {
        throw constraintError(ctx.sqlite, MESSAGES, { id, session_id: sessionId }, error);
      }
      return {
        id,
        sessionId,
        provider,
        type,
        contentData,
        providerSessionId,
        tokenCount,
        createdAt: new Date(seconds * 1000),
      };
    },

    /** A session's messages in append order: what a resumed session replays. */
    listMessages(sessionId: string): SessionMessage[] {
      return (st.listMessages.all(sessionId) as Array<Record<string, unknown>>).map(toMessage);
    },

    /** Registers a device or records that it connected again. */
    connectDevice(input: ConnectDeviceInput): Device {
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
      const stored = st.upsertDevice.get(
        params.device_id,
        params.device_name,
        params.platform,
        params.app_version,
        seconds,
        seconds,
        seconds,
      ) as Record<string, unknown>;
      return toDevice(stored);
    },

    listDevices(): Device[] {
      return (st.listDevices.all() as Array<Record<string, unknown>>).map(toDevice);
    },
  };
}

export type PokecodeClient = ReturnType<typeof createPokecodeClient>;
