import { parseRow } from '@agentstate/schema';
import {
  workerRows,
  workers,
  finishedWorkerStatuses,
  workerStatuses,
  type Worker,
} from '@agentstate/schema/engine';
import {
  all,
  get,
  run,
  settle,
  type Operation,
  type Result,
  type Row,
  type Runner,
  type RunnerMode,
} from '../../driver/operation.ts';
import { retryDelayMs, type BackoffOptions } from '../shared/backoff.ts';
import { requireString } from '../shared/checks.ts';
import { rowMapper, toDriverRow } from '../shared/columns.ts';
import { LeaseLostError } from '../shared/errors.ts';
import { engineId, isPrimaryKeyConflict } from '../shared/ids.ts';
import { LEGACY_CLAIM_MS } from '../shared/lease.ts';
import { checkWellFormed } from '../shared/limits.ts';
import {
  afterCommit,
  createLeasedQueue,
  type LeasedQueue,
  type QueueSpec,
} from '../shared/queue-core.ts';
import { notify } from '../shared/wakeups.ts';
import { sqlStringList } from '@agentstate/schema';
import { toIso, toSeconds } from '../shared/time.ts';

const TABLE = 'workers';
/** The original keeps the first 512 characters of an error. */
const MAX_ERROR_CHARS = 512;
const CLEAR_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';

/** The first `max` UTF-16 units of `text`, never cutting a surrogate pair in two. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

export const engineWorkerSql = {
  // The unfinished worker holding a dedupe hash, if any (the hash is unique while set).
  activeByHash: `SELECT * FROM workers WHERE dedupe_hash = ?
    AND status IN ('pending', 'running')`,
  refreshPending: `UPDATE workers SET execute_at = ?, instructions = ?, priority = ?, updated_at = ?
    WHERE id = ? RETURNING *`,
  // A finished worker gives its hash up so the same work can be scheduled again.
  releaseHash: `UPDATE workers SET dedupe_hash = NULL WHERE dedupe_hash = ?
    AND status IN (${sqlStringList(finishedWorkerStatuses)})`,
  insertWorker: `INSERT INTO workers (id, session_id, primitive, status, instructions, workspace_path,
      priority, retry_count, max_retries, execute_at, dedupe_hash, created_at, updated_at)
    VALUES (@id, @session_id, @primitive, 'pending', @instructions, @workspace_path, @priority, 0,
      @max_retries, @execute_at, @dedupe_hash, @created_at, @updated_at) RETURNING *`,
  // The most urgent runnable worker (pending and due, highest priority first), read off
  // idx_workers_claim. One statement per worker: a scalar subquery is a plain seek, where
  // `rowid IN (SELECT ... LIMIT n)` builds a temporary list. A batch runs it n times.
  claimNext: `UPDATE workers SET status = 'running', started_at = @now, updated_at = @now,
      lease_owner = @owner, lease_token = @token, lease_expires_at = @expires, progress = NULL
    WHERE rowid = (
      SELECT rowid FROM workers INDEXED BY idx_workers_claim WHERE status = 'pending'
        AND (execute_at IS NULL OR execute_at <= @now) AND (retry_at IS NULL OR retry_at <= @now)
      ORDER BY priority DESC, execute_at LIMIT 1)
    RETURNING *`,
  // An expired lease counts as a failed attempt. Expired leases are found in the (short) running
  // range of idx_workers_ready (status, execute_at). A worker the original engine started has no
  // lease: it expires once started @legacy seconds ago (unixepoch reads either text form).
  recoverExpired: `UPDATE workers INDEXED BY idx_workers_ready SET retry_count = retry_count + 1,
      status = CASE WHEN retry_count + 1 > max_retries THEN 'failed' ELSE 'pending' END,
      completed_at = CASE WHEN retry_count + 1 > max_retries THEN @now ELSE NULL END,
      last_error = 'lease expired', updated_at = @now, ${CLEAR_LEASE}
    WHERE status = 'running' AND (lease_expires_at <= @now
      OR (lease_expires_at IS NULL AND unixepoch(coalesce(started_at, updated_at)) <= @legacy))
    RETURNING id, status`,
  heartbeat: `UPDATE workers SET lease_expires_at = ? WHERE id = ? AND status = 'running'
    AND lease_token = ? RETURNING id`,
  complete: `UPDATE workers SET status = 'complete', completed_at = @now, updated_at = @now,
      last_error = NULL, retry_at = NULL, ${CLEAR_LEASE}
    WHERE id = @id AND status = 'running' AND lease_token = @token RETURNING id`,
  storeProgress: `UPDATE workers SET progress = ? WHERE id = ? AND status = 'running'
    AND lease_token = ? RETURNING id`,
  // Retries are counted at failure, so a released worker has nothing to give back.
  release: `UPDATE workers SET status = 'pending', started_at = NULL, updated_at = @now, ${CLEAR_LEASE}
    WHERE id = @id AND status = 'running' AND lease_token = @token RETURNING id`,
  leased: `SELECT retry_count, max_retries FROM workers WHERE id = ? AND status = 'running'
    AND lease_token = ?`,
  retry: `UPDATE workers SET status = 'pending', retry_count = retry_count + 1, retry_at = ?,
      last_error = ?, updated_at = ?, ${CLEAR_LEASE} WHERE id = ?`,
  failFinal: `UPDATE workers SET status = 'failed', retry_count = retry_count + 1, retry_at = NULL,
      last_error = @error, completed_at = @now, updated_at = @now, ${CLEAR_LEASE} WHERE id = @id`,
  // A claimed row that cannot be read: failed for good, its attempts left as they were.
  failUnreadable: `UPDATE workers SET status = 'failed', retry_at = NULL, last_error = @error,
      completed_at = @now, updated_at = @now, ${CLEAR_LEASE} WHERE id = @id`,
  cancel: `UPDATE workers SET status = 'cancelled', last_error = 'Task cancelled by user',
      completed_at = @now, updated_at = @now, ${CLEAR_LEASE}
    WHERE id = @id AND status IN ('pending', 'running') RETURNING id`,
  cleanup: `DELETE FROM workers WHERE status IN (${sqlStringList(finishedWorkerStatuses)})
    AND coalesce(completed_at, updated_at) < ? RETURNING id`,
  get: 'SELECT * FROM workers WHERE id = ?',
  counts: 'SELECT status, count(*) AS n FROM workers GROUP BY status',
} as const;

export interface ScheduleWorkerInput {
  primitive: string;
  instructions: string;
  sessionId?: string | null;
  workspacePath?: string | null;
  priority?: number;
  maxRetries?: number;
  executeAt?: Date | null;
  /**
   * Same hash as a pending worker: that worker is updated instead of a new one added. Same hash
   * as a running worker: that worker is returned as it is. A finished worker's hash is free.
   */
  dedupeHash?: string | null;
}

export type WorkerFailOutcome = { status: 'pending'; retryAt: Date } | { status: 'failed' };

const sql = engineWorkerSql;
const toWorker = rowMapper(workers);
/** Attempts at a fresh random id when one collides (as `insertWithFreshId`). */
const ID_ATTEMPTS = 8;

/** The spec of engine's `workers`: ISO text times, retries counted at failure, dedupe hashes. */
function engineWorkerSpec(
  backoff: BackoffOptions | undefined,
): QueueSpec<Worker, WorkerFailOutcome> {
  return {
    table: TABLE,
    statuses: workerStatuses,
    sql: {
      claimNext: sql.claimNext,
      recoverExpired: sql.recoverExpired,
      heartbeat: sql.heartbeat,
      complete: sql.complete,
      get: sql.get,
      counts: sql.counts,
      cleanup: sql.cleanup,
      progress: sql.storeProgress,
      release: sql.release,
    },
    claimParams: (worker, token, now, leaseMs) => ({
      now: toIso(now),
      owner: worker,
      token,
      expires: toIso(now + leaseMs),
    }),
    recoverParams: (now) => ({ now: toIso(now), legacy: toSeconds(now - LEGACY_CLAIM_MS) }),
    heartbeatParams: (expires, id, token) => [toIso(expires), id, token],
    completeParams: (now, id, token) => ({ now: toIso(now), id, token }),
    cleanupParams: (cutoff) => [toIso(cutoff)],
    progressParams: (progress, id, token) => [progress, id, token],
    releaseParams: (now, id, token) => ({ now: toIso(now), id, token }),
    toJob: toWorker,
    *failUnreadable(row, message, claim) {
      yield run(sql.failUnreadable, {
        error: truncate(message, MAX_ERROR_CHARS),
        id: row.id,
        now: claim.now,
      });
    },
    *fail(id, token, error, now): Operation<WorkerFailOutcome> {
      const job = (yield get(sql.leased, [id, token])) as
        { retry_count: number; max_retries: number } | undefined;
      if (!job) throw new LeaseLostError(TABLE, id, 'fail');
      const retries = job.retry_count + 1;
      if (retries <= job.max_retries) {
        const retryAt = new Date(now + retryDelayMs(retries, backoff));
        yield run(sql.retry, [toIso(retryAt), error, toIso(now), id]);
        return { status: 'pending', retryAt };
      }
      yield run(sql.failFinal, { error, id, now: toIso(now) });
      return { status: 'failed' };
    },
    errorText: (error) => {
      const message = truncate(error, MAX_ERROR_CHARS);
      checkWellFormed(TABLE, 'last_error', message);
      return message;
    },
    retentionDays: 30,
    cancelledStatus: 'cancelled',
  };
}

export interface EngineWorkerQueue<M extends RunnerMode = 'sync'> extends LeasedQueue<
  M,
  Worker,
  WorkerFailOutcome,
  Worker['status']
> {
  /**
   * Schedules a worker. With a dedupe hash matching a pending worker, that worker's
   * execute_at, instructions and priority are refreshed and it is returned instead; matching a
   * running worker, that worker is returned unchanged. Never two unfinished workers per hash.
   */
  schedule(input: ScheduleWorkerInput): M extends 'sync' ? Worker : Promise<Worker>;
  /** Cancels a pending or running worker; false when it had already finished. */
  cancel(id: string): M extends 'sync' ? boolean : Promise<boolean>;
}

/**
 * The engine's background-worker queue on any driver: the shared leased-queue core (the same
 * lease, fencing and recovery rules as the pokecode queue) with the original's dedupe_hash
 * semantics. `onWriteError` maps a failed schedule to a typed error.
 */
export function createEngineWorkerQueue<M extends RunnerMode>(
  runner: Runner<M>,
  clock: () => number,
  backoff?: BackoffOptions,
  onWriteError: (error: unknown, values: Row) => unknown = (error) => error,
  channel?: string,
): EngineWorkerQueue<M> {
  const core = createLeasedQueue(runner, clock, engineWorkerSpec(backoff), channel);

  function* schedule(row: Row, now: string): Operation<Worker> {
    const hash = row.dedupe_hash as string | null;
    if (hash !== null) {
      const holder = (yield get(sql.activeByHash, [hash])) as Row | undefined;
      if (holder?.status === 'pending') {
        const refreshed = (yield get(sql.refreshPending, [
          row.execute_at ?? null,
          row.instructions,
          row.priority ?? 0,
          now,
          holder.id,
        ])) as Row;
        return toWorker(refreshed);
      }
      // A running worker is already doing this work (and keeps its hash should it be retried).
      if (holder) return toWorker(holder);
      yield run(sql.releaseHash, [hash]);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const stored = (yield get(sql.insertWorker, {
          session_id: null,
          workspace_path: null,
          priority: 0,
          max_retries: 3,
          execute_at: null,
          dedupe_hash: null,
          ...row,
          id: engineId(),
          created_at: now,
          updated_at: now,
        })) as Row;
        return toWorker(stored);
      } catch (error) {
        if (!isPrimaryKeyConflict(error) || attempt >= ID_ATTEMPTS) throw error;
      }
    }
  }

  function* cancelWorker(now: string, id: string): Operation<boolean> {
    return ((yield all(sql.cancel, { now, id })) as Row[]).length > 0;
  }

  return {
    ...core,

    schedule(input) {
      const now = new Date(clock());
      const parsed = parseRow(workers, workerRows.insert, {
        ...input,
        id: 'pending-id',
        createdAt: now,
        updatedAt: now,
      });
      const row = toDriverRow('engine', workers, {
        sessionId: parsed.sessionId,
        primitive: parsed.primitive,
        instructions: parsed.instructions,
        workspacePath: parsed.workspacePath,
        priority: parsed.priority,
        maxRetries: parsed.maxRetries,
        executeAt: parsed.executeAt,
        dedupeHash: parsed.dedupeHash ?? null,
      });
      const stored = settle<M, Worker>(
        runner,
        () => runner.run(() => schedule(row, toIso(now)), { write: true }),
        (error) => onWriteError(error, row),
      );
      return afterCommit(runner, stored as Result<M, Worker>, () =>
        notify(channel, { kind: 'enqueued' }),
      );
    },

    cancel(id) {
      const key = requireString(TABLE, 'id', id);
      const now = toIso(clock());
      const cancelled = runner.run(() => cancelWorker(now, key), { write: true, single: true });
      // A running worker of this process hears of it at once, others at their next heartbeat.
      return afterCommit(runner, cancelled, (done) => {
        if (done) notify(channel, { kind: 'cancelled', ids: [key] });
      });
    },
  };
}

/** The leased queue of this database: its table, as the dispatch by database name finds it. */
export const engineQueueTable = { database: 'engine', table: 'workers' } as const;
