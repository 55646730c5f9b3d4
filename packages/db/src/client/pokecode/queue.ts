import {
  jobRetentionDays,
  jobStatuses,
  promptJobDataSchema,
  providers,
  type Job,
  type PromptJobData,
  type Provider,
} from '@agentstate/schema/pokecode';
import { retryDelayMs, type BackoffOptions } from '../shared/backoff.ts';
import {
  checkShape,
  countByStatus,
  requireEnum,
  requireInt,
  requireString,
  toJsonText,
} from '../shared/checks.ts';
import { immediate, type ClientContext } from '../shared/connection.ts';
import { LeaseLostError } from '../shared/errors.ts';
import { constraintError } from '../shared/constraints.ts';
import { pokecodeId } from '../shared/ids.ts';
import {
  checkBatchSize,
  checkClaim,
  createClaimer,
  DEFAULT_LEASE_MS,
  heldLease,
  LEGACY_CLAIM_MS,
  newLeaseToken,
  type ClaimOptions,
  type HeldLease,
  UNREADABLE_ROW,
} from '../shared/lease.ts';
import {
  checkByteSize,
  checkSize,
  DEFAULT_MAX_BYTES,
  PAYLOAD_MAX_BYTES,
} from '../shared/limits.ts';
import { toSeconds } from '../shared/time.ts';
import { toJob } from './rows.ts';
import type { PokecodeStatements } from './statements.ts';

const TABLE = 'job_queue';
const providerSet: ReadonlySet<string> = new Set(providers);
const DAY_MS = 86_400_000;

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

type Row = Record<string, unknown>;

/**
 * PokéCode's prompt job queue. Claims are leases: inside one immediate transaction a job goes to
 * exactly one worker with a fencing token; a heartbeat extends the lease; an expired lease is
 * recovered by a claim (within a second, at once when no other job is due) and counts as an
 * attempt.
 */
export function createPokecodeQueue(
  ctx: ClientContext,
  st: PokecodeStatements,
  options: PokecodeQueueOptions = {},
) {
  const { clock } = ctx;
  const trackSessions = options.trackSessions ?? true;

  const enqueueTx = immediate(ctx.sqlite, (args: unknown[], sessionId: string, now: number) => {
    st.insertJob.run(args);
    if (trackSessions) {
      st.markSessionWorking.run({ job: args[0], now: toSeconds(now), session: sessionId });
    }
  });

  /** Recovers expired leases; the sessions of jobs that ran out of attempts stop working. */
  function recover(now: number): number {
    const recovered = st.recoverExpired.all({
      seconds: toSeconds(now),
      now,
      legacy: toSeconds(now - LEGACY_CLAIM_MS),
    }) as Array<{
      id: string;
      session_id: string;
      status: string;
    }>;
    for (const job of recovered) {
      if (trackSessions && job.status === 'failed') {
        st.markSessionIdle.run('failed', toSeconds(now), job.session_id, job.id);
      }
    }
    return recovered.length;
  }

  /**
   * A claimed row as a Job. A row whose `data` is not JSON (an outside writer's) can never run:
   * it fails at once, in the claim's transaction, so it cannot stop every claim after it.
   */
  function readClaimed(row: Row, claim: { now: number }): Job | undefined {
    try {
      return toJob(row);
    } catch (error) {
      st.failJob.run(claim.now, `${UNREADABLE_ROW}: ${(error as Error).message}`, row.id);
      if (trackSessions) st.markSessionIdle.run('failed', claim.now, row.session_id, row.id);
      return undefined;
    }
  }

  const claimJobs = createClaimer({
    recover,
    claimNext: (claim: { now: number; worker: string; token: string; expires: number }) =>
      st.claimNext.get(claim) as Row | undefined,
    read: readClaimed,
  });

  const claimTx = immediate(
    ctx.sqlite,
    (worker: string, leaseMs: number, limit: number, now: number): Job[] => {
      const seconds = toSeconds(now);
      const claim = { now: seconds, worker, token: newLeaseToken(), expires: now + leaseMs };
      const jobs = claimJobs(claim, limit, now);
      for (const job of jobs) {
        if (job.nextRetryAt !== null) {
          st.clearRetry.run(job.id);
          job.nextRetryAt = null;
        }
      }
      if (trackSessions) {
        // A session ends up showing its newest claimed job: one write per session, not per job.
        const newest = new Map<string, string>();
        for (const job of jobs) newest.set(job.sessionId, job.id);
        for (const [session, job] of newest) {
          st.markSessionWorking.run({ job, now: seconds, session });
        }
      }
      return jobs;
    },
  );

  const completeTx = immediate(ctx.sqlite, (id: string, token: string, now: number) => {
    const row = st.completeJob.get(toSeconds(now), id, token) as { session_id: string } | undefined;
    if (!row) throw new LeaseLostError(TABLE, id, 'complete');
    if (trackSessions) st.markSessionIdle.run('completed', toSeconds(now), row.session_id, id);
  });

  const failTx = immediate(
    ctx.sqlite,
    (id: string, token: string, error: string, now: number): FailOutcome => {
      const job = st.leasedJob.get(id, token) as
        { attempts: number; max_attempts: number; session_id: string } | undefined;
      if (!job) throw new LeaseLostError(TABLE, id, 'fail');
      if (job.attempts < job.max_attempts) {
        // next_retry_at holds whole seconds: rounded up, so the retry never comes early.
        const retrySeconds = Math.ceil((now + retryDelayMs(job.attempts, options.backoff)) / 1000);
        st.retryJob.run(retrySeconds, error, id);
        return { status: 'pending', nextRetryAt: new Date(retrySeconds * 1000) };
      }
      st.failJob.run(toSeconds(now), error, id);
      if (trackSessions) st.markSessionIdle.run('failed', toSeconds(now), job.session_id, id);
      return { status: 'failed' };
    },
  );

  const cancelTx = immediate(ctx.sqlite, (sessionId: string, now: number): number => {
    const cancelled = st.cancelSessionJobs.run(toSeconds(now), sessionId).changes;
    if (cancelled > 0) st.idleSession.run('cancelled', toSeconds(now), sessionId);
    return cancelled;
  });

  const recoverTx = immediate(ctx.sqlite, recover);

  return {
    /** Adds a prompt job and marks its session working; returns the stored job. */
    enqueue(input: EnqueueJobInput): Job {
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
      try {
        enqueueTx(
          [id, sessionId, promptId, provider, dataText, maxAttempts, createdAt],
          sessionId,
          now,
        );
      } catch (error) {
        throw constraintError(ctx.sqlite, TABLE, { id }, error);
      }
      return {
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
      };
    },

    /**
     * Claims the oldest due job (recovering expired leases); undefined when none is due. A due
     * job whose stored `data` is not JSON is failed (`error` starts with "unreadable row") and
     * the next one claimed.
     */
    claim(options: ClaimOptions): Job | undefined {
      const { worker, leaseMs } = checkClaim(TABLE, options);
      return claimTx(worker, leaseMs, 1, clock())[0];
    },

    /** Claims up to `limit` due jobs in one transaction, oldest first. */
    claimBatch(limit: number, options: ClaimOptions): Job[] {
      const { worker, leaseMs } = checkClaim(TABLE, options);
      return claimTx(worker, leaseMs, checkBatchSize(TABLE, limit), clock());
    },

    /** Extends a held lease; returns the new expiry. Throws LeaseLostError if it is not held. */
    heartbeat(job: HeldLease, leaseMs = DEFAULT_LEASE_MS): Date {
      const { id, token } = heldLease(TABLE, job, 'heartbeat');
      const expires = clock() + requireInt(TABLE, 'lease_expires_at', leaseMs, 1);
      if (st.heartbeat.run(expires, id, token).changes === 0) {
        throw new LeaseLostError(TABLE, id, 'heartbeat');
      }
      return new Date(expires);
    },

    /** Marks a held job completed and its session idle. Throws LeaseLostError if not held. */
    complete(job: HeldLease): void {
      const { id, token } = heldLease(TABLE, job, 'complete');
      completeTx(id, token, clock());
    },

    /**
     * Fails a held job: back to pending after a capped, jittered exponential backoff while
     * attempts remain, else failed. Throws LeaseLostError if not held.
     */
    fail(job: HeldLease, error: string): FailOutcome {
      const { id, token } = heldLease(TABLE, job, 'fail');
      const message = requireString(TABLE, 'error', error);
      checkSize(TABLE, 'error', message, DEFAULT_MAX_BYTES);
      return failTx(id, token, message, clock());
    },

    /** Cancels every pending or processing job of a session; returns how many. */
    cancelSession(sessionId: string): number {
      return cancelTx(requireString(TABLE, 'session_id', sessionId), clock());
    },

    /** Puts jobs whose lease expired back in the queue (or fails them); returns how many. */
    recoverExpired(): number {
      return recoverTx(clock());
    },

    /** Deletes completed, failed and cancelled jobs older than the retention (default 30 days). */
    cleanup(retentionDays: number = jobRetentionDays): number {
      const cutoff = clock() - requireInt(TABLE, 'completed_at', retentionDays, 0) * DAY_MS;
      return st.cleanupJobs.run(toSeconds(cutoff)).changes;
    },

    get(id: string): Job | undefined {
      const row = st.getJob.get(id) as Record<string, unknown> | undefined;
      return row && toJob(row);
    },

    /** Number of jobs per status. */
    counts(): Record<Job['status'], number> {
      return countByStatus(
        jobStatuses,
        st.countJobs.all() as Array<{ status: Job['status']; n: number }>,
      );
    },
  };
}

export type PokecodeQueue = ReturnType<typeof createPokecodeQueue>;
