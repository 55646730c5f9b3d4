import {
  jobRetentionDays,
  jobStatuses,
  promptJobDataSchema,
  providers,
  type Job,
  type PromptJobData,
  type Provider,
} from '@agentstate/schema/pokecode';
import {
  afterCommit,
  all,
  mapResult,
  run,
  settle,
  type Operation,
  type Result,
  type Row,
  type Runner,
  type RunnerMode,
} from '../../driver/operation.ts';
import { retryDelayMs, type BackoffOptions } from '../shared/backoff.ts';
import {
  checkShape,
  requireEnum,
  requireInt,
  requireString,
  toJsonText,
} from '../shared/checks.ts';
import { LeaseLostError } from '../shared/errors.ts';
import { pokecodeId } from '../shared/ids.ts';
import { LEGACY_CLAIM_MS } from '../shared/lease.ts';
import {
  checkByteSize,
  checkSize,
  DEFAULT_MAX_BYTES,
  PAYLOAD_MAX_BYTES,
} from '../shared/limits.ts';
import { createLeasedQueue, type LeasedQueue, type QueueSpec } from '../shared/queue-core.ts';
import { notify } from '../shared/wakeups.ts';
import { toSeconds } from '../shared/time.ts';
import { encodeJob, toJob } from './rows.ts';
import { pokecodeSql as sql } from './statements.ts';
import { SINGLE_WRITE, WRITE } from '../shared/operations.ts';

const TABLE = 'job_queue';
const providerSet: ReadonlySet<string> = new Set(providers);

export interface EnqueueJobInput {
  sessionId: string;
  promptId: string;
  provider: Provider;
  data: PromptJobData;
  /** Default 3 (the column default). */
  maxAttempts?: number;
  id?: string;
}

export type FailOutcome = { status: 'pending'; nextRetryAt: Date } | { status: 'failed' };

export interface PokecodeQueueOptions {
  backoff?: BackoffOptions;
  /**
   * Keep each session's `is_working`, `current_job_id` and `last_job_status` in step with its
   * jobs, as PokéCode does (default true): an enqueue or claim makes its job the session's
   * current job, and finishing the current job marks the session idle. Like PokéCode's single
   * `current_job_id`, this follows one job at a time: a session that runs several jobs at once
   * shows idle once its current one finishes. False makes `jobs` a bare queue: enqueue, claim,
   * complete, fail and lease recovery write only `job_queue` (fewer pages per commit), for callers
   * that track work themselves. `cancelSession` always resets its session.
   */
  trackSessions?: boolean;
}

/** The spec of pokecode's `job_queue`: Unix seconds, attempts counted at claim, session tracking. */
function pokecodeJobSpec(options: PokecodeQueueOptions): QueueSpec<Job, FailOutcome> {
  const trackSessions = options.trackSessions ?? true;
  function* markIdle(status: string, seconds: number, session: unknown, job: unknown) {
    if (trackSessions) yield run(sql.markSessionIdle, [status, seconds, session, job]);
  }
  return {
    table: TABLE,
    statuses: jobStatuses,
    sql: {
      claimNext: sql.claimNext,
      recoverExpired: sql.recoverExpired,
      heartbeat: sql.heartbeat,
      complete: sql.completeJob,
      get: sql.getJob,
      counts: sql.countJobs,
      cleanup: sql.cleanupJobs,
      progress: sql.storeProgress,
      release: sql.releaseJob,
    },
    claimParams: (worker, token, now, leaseMs) => ({
      now: toSeconds(now),
      worker,
      token,
      expires: now + leaseMs,
    }),
    recoverParams: (now) => ({
      seconds: toSeconds(now),
      now,
      legacy: toSeconds(now - LEGACY_CLAIM_MS),
    }),
    heartbeatParams: (expires, id, token) => [expires, id, token],
    completeParams: (now, id, token) => [toSeconds(now), id, token],
    cleanupParams: (cutoff) => [toSeconds(cutoff)],
    progressParams: (progress, id, token) => [progress, id, token],
    releaseParams: (_now, id, token) => [id, token],
    toJob,
    *failUnreadable(row, message, claim) {
      yield run(sql.failJob, [claim.now, message, row.id]);
      yield* markIdle('failed', claim.now as number, row.session_id, row.id);
    },
    *afterClaim(jobs, claim) {
      for (const job of jobs) {
        if (job.nextRetryAt !== null) {
          yield run(sql.clearRetry, [job.id]);
          job.nextRetryAt = null;
        }
      }
      if (!trackSessions) return;
      // A session ends up showing its newest claimed job: one write per session, not per job.
      const newest = new Map<string, string>();
      for (const job of jobs) newest.set(job.sessionId, job.id);
      for (const [session, job] of newest) {
        yield run(sql.markSessionWorking, { job, now: claim.now, session });
      }
    },
    afterRecover: trackSessions
      ? function* (rows, now) {
          for (const job of rows) {
            if (job.status === 'failed') {
              yield* markIdle('failed', toSeconds(now), job.session_id, job.id);
            }
          }
        }
      : undefined,
    afterComplete: trackSessions
      ? (row, now) => markIdle('completed', toSeconds(now), row.session_id, row.id)
      : undefined,
    *fail(id, token, error, now): Operation<FailOutcome> {
      const job = (yield { sql: sql.leasedJob, params: [id, token], mode: 'get' }) as
        { attempts: number; max_attempts: number; session_id: string } | undefined;
      if (!job) throw new LeaseLostError(TABLE, id, 'fail');
      if (job.attempts < job.max_attempts) {
        // next_retry_at holds whole seconds: rounded up, so the retry never comes early.
        const retrySeconds = Math.ceil((now + retryDelayMs(job.attempts, options.backoff)) / 1000);
        yield run(sql.retryJob, [retrySeconds, error, id]);
        return { status: 'pending', nextRetryAt: new Date(retrySeconds * 1000) };
      }
      yield run(sql.failJob, [toSeconds(now), error, id]);
      yield* markIdle('failed', toSeconds(now), job.session_id, id);
      return { status: 'failed' };
    },
    errorText: (error) => {
      checkSize(TABLE, 'error', error, DEFAULT_MAX_BYTES);
      return error;
    },
    retentionDays: jobRetentionDays,
    cancelledStatus: 'cancelled',
  };
}

export interface PokecodeQueue<M extends RunnerMode = 'sync'> extends LeasedQueue<
  M,
  Job,
  FailOutcome,
  Job['status']
> {
  /** Adds a prompt job and marks its session working; returns the stored job. */
  enqueue(input: EnqueueJobInput): M extends 'sync' ? Job : Promise<Job>;
  /** Cancels every pending or processing job of a session; returns how many. */
  cancelSession(sessionId: string): M extends 'sync' ? number : Promise<number>;
}

/**
 * PokéCode's prompt job queue on any driver: the shared leased-queue core with pokecode's spec,
 * and its own enqueue and cancel. `onWriteError` maps a failed enqueue to a typed error.
 */
export function createPokecodeQueue<M extends RunnerMode>(
  runner: Runner<M>,
  clock: () => number,
  options: PokecodeQueueOptions = {},
  onWriteError: (error: unknown, values: Row) => unknown = (error) => error,
  channel?: string,
): PokecodeQueue<M> {
  const trackSessions = options.trackSessions ?? true;
  const core = createLeasedQueue(runner, clock, pokecodeJobSpec(options), channel);
  // Without session tracking an enqueue is one INSERT: SQLite's own autocommit transaction.
  const enqueueKind = trackSessions ? WRITE : SINGLE_WRITE;

  // Built once per queue: a generator function created per call costs more than its statement.
  function* insertJob(job: Job, dataText: string): Operation<Job> {
    const createdAt = toSeconds(job.createdAt);
    yield run(sql.insertJob, encodeJob({ ...job, data: dataText }));
    if (trackSessions) {
      yield run(sql.markSessionWorking, { job: job.id, now: createdAt, session: job.sessionId });
    }
    return job;
  }

  function* cancelSessionJobs(seconds: number, session: string): Operation<string[]> {
    const rows = (yield all(sql.cancelSessionJobs, [seconds, session])) as Row[];
    if (rows.length > 0) yield run(sql.idleSession, ['cancelled', seconds, session]);
    return rows.map((row) => row.id as string);
  }

  return {
    ...core,

    enqueue(input) {
      const sessionId = requireString(TABLE, 'session_id', input.sessionId);
      const promptId = requireString(TABLE, 'prompt_id', input.promptId);
      const provider = requireEnum<Provider>(TABLE, 'provider', input.provider, providerSet);
      const data = checkShape(TABLE, 'data', promptJobDataSchema, input.data);
      const maxAttempts = requireInt(TABLE, 'max_attempts', input.maxAttempts ?? 3, 1);
      const id = input.id === undefined ? pokecodeId() : requireString(TABLE, 'id', input.id);
      const dataText = toJsonText(TABLE, 'data', data);
      checkSize(TABLE, 'id', id, DEFAULT_MAX_BYTES);
      checkSize(TABLE, 'session_id', sessionId, DEFAULT_MAX_BYTES);
      checkSize(TABLE, 'prompt_id', promptId, DEFAULT_MAX_BYTES);
      checkByteSize(TABLE, 'data', dataText, PAYLOAD_MAX_BYTES);
      const now = clock();
      const createdAt = toSeconds(now);
      const job: Job = {
        id,
        sessionId,
        promptId,
        provider,
        status: 'pending',
        data,
        attempts: 0,
        maxAttempts,
        createdAt: new Date(createdAt * 1000),
        startedAt: null,
        completedAt: null,
        error: null,
        nextRetryAt: null,
        leaseOwner: null,
        leaseToken: null,
        leaseExpiresAt: null,
        progress: null,
      };
      const stored = settle<M, Job>(
        runner,
        () => runner.run(() => insertJob(job, dataText), enqueueKind),
        (error) => onWriteError(error, { id }),
      );
      return afterCommit(runner, stored as Result<M, Job>, () =>
        notify(channel, { kind: 'enqueued' }),
      );
    },

    cancelSession(sessionId) {
      const session = requireString(TABLE, 'session_id', sessionId);
      const seconds = toSeconds(clock());
      const cancelled = runner.run(() => cancelSessionJobs(seconds, session), WRITE);
      // Running jobs of this process hear of it at once, others at their next heartbeat.
      const ids = afterCommit(runner, cancelled, (list) =>
        notify(channel, { kind: 'cancelled', ids: list }),
      );
      return mapResult(runner, ids, (list) => list.length);
    },
  };
}

/** The leased queue of this database: its table, as the dispatch by database name finds it. */
export const pokecodeQueueTable = { database: 'pokecode', table: 'job_queue' } as const;
