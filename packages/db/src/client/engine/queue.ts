import { sql, type SQL } from 'drizzle-orm';
import { parseRow } from '@agentstate/schema';
import {
  workerRows,
  workers,
  finishedWorkerStatuses,
  workerStatuses,
  type Worker,
} from '@agentstate/schema/engine';
import {
  afterCommit,
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
import { toDriverRow } from '../shared/columns.ts';
import { indexedBy, insertText, sqlText } from '../shared/sql-text.ts';
import { encodeWorker, toWorker, workerInsertKeys } from './rows.ts';
import { LeaseLostError } from '../shared/errors.ts';
import { engineId, isPrimaryKeyConflict } from '../shared/ids.ts';
import { LEGACY_CLAIM_MS } from '../shared/lease.ts';
import { checkWellFormed } from '../shared/limits.ts';
import { createLeasedQueue, type LeasedQueue, type QueueSpec } from '../shared/queue-core.ts';
import { notify } from '../shared/wakeups.ts';
import { sqlStringList } from '@agentstate/schema';
import { toIso, toSeconds } from '../shared/time.ts';
import { SINGLE_WRITE, WRITE } from '../shared/operations.ts';

const TABLE = 'workers';
/** The original keeps the first 512 characters of an error. */
const MAX_ERROR_CHARS = 512;

/** The first `max` UTF-16 units of `text`, never cutting a surrogate pair in two. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

const w = workers;
// Every lease column cleared, as a finished or re-queued worker has none.
const clearLease = sql`${w.leaseOwner} = NULL, ${w.leaseToken} = NULL, ${w.leaseExpiresAt} = NULL`;
const finished = sql.raw(sqlStringList(finishedWorkerStatuses));
const heldBy = (id: SQL, token: SQL) =>
  sql`${w.id} = ${id} AND ${w.status} = 'running' AND ${w.leaseToken} = ${token}`;
const held = heldBy(sql.raw('?'), sql.raw('?'));
const heldNamed = heldBy(sql.raw('@id'), sql.raw('@token'));

/**
 * Every SQL statement of the worker queue, rendered from the schema's table (sql-text.ts), as text
 * so a plan test or a benchmark's baseline runs exactly the same SQL.
 */
export const engineWorkerSql = {
  // The unfinished worker holding a dedupe hash, if any (the hash is unique while set).
  activeByHash: sqlText(sql`SELECT * FROM ${w} WHERE ${w.dedupeHash} = ?
    AND ${w.status} IN ('pending', 'running')`),
  refreshPending: sqlText(sql`UPDATE ${w} SET ${w.executeAt} = ?, ${w.instructions} = ?,
      ${w.priority} = ?, ${w.updatedAt} = ?
    WHERE ${w.id} = ? RETURNING *`),
  // A finished worker gives its hash up so the same work can be scheduled again.
  releaseHash: sqlText(sql`UPDATE ${w} SET ${w.dedupeHash} = NULL WHERE ${w.dedupeHash} = ?
    AND ${w.status} IN (${finished})`),
  insertWorker: insertText(w, workerInsertKeys, sql`RETURNING *`),
  // The most urgent runnable worker (pending and due, highest priority first), read off
  // idx_workers_claim. One statement per worker: a scalar subquery is a plain seek, where
  // `rowid IN (SELECT ... LIMIT n)` builds a temporary list. A batch runs it n times.
  claimNext: sqlText(sql`UPDATE ${w} SET ${w.status} = 'running', ${w.startedAt} = @now,
      ${w.updatedAt} = @now, ${w.leaseOwner} = @owner, ${w.leaseToken} = @token,
      ${w.leaseExpiresAt} = @expires, ${w.progress} = NULL
    WHERE rowid = (
      SELECT rowid FROM ${w} ${indexedBy(w, 'idx_workers_claim')} WHERE ${w.status} = 'pending'
        AND (${w.executeAt} IS NULL OR ${w.executeAt} <= @now)
        AND (${w.retryAt} IS NULL OR ${w.retryAt} <= @now)
      ORDER BY ${w.priority} DESC, ${w.executeAt} LIMIT 1)
    RETURNING *`),
  // An expired lease counts as a failed attempt. Expired leases are found in the (short) running
  // range of idx_workers_ready (status, execute_at). A worker the original engine started has no
  // lease: it expires once started @legacy seconds ago (unixepoch reads either text form).
  recoverExpired: sqlText(sql`UPDATE ${w} ${indexedBy(w, 'idx_workers_ready')} SET
      ${w.retryCount} = ${w.retryCount} + 1,
      ${w.status} = CASE WHEN ${w.retryCount} + 1 > ${w.maxRetries} THEN 'failed' ELSE 'pending' END,
      ${w.completedAt} = CASE WHEN ${w.retryCount} + 1 > ${w.maxRetries} THEN @now ELSE NULL END,
      ${w.lastError} = 'lease expired', ${w.updatedAt} = @now, ${clearLease}
    WHERE ${w.status} = 'running' AND (${w.leaseExpiresAt} <= @now
      OR (${w.leaseExpiresAt} IS NULL
        AND unixepoch(coalesce(${w.startedAt}, ${w.updatedAt})) <= @legacy))
    RETURNING ${w.id}, ${w.status}`),
  heartbeat: sqlText(sql`UPDATE ${w} SET ${w.leaseExpiresAt} = ? WHERE ${held} RETURNING ${w.id}`),
  complete: sqlText(sql`UPDATE ${w} SET ${w.status} = 'complete', ${w.completedAt} = @now,
      ${w.updatedAt} = @now, ${w.lastError} = NULL, ${w.retryAt} = NULL, ${clearLease}
    WHERE ${heldNamed} RETURNING ${w.id}`),
  storeProgress: sqlText(sql`UPDATE ${w} SET ${w.progress} = ? WHERE ${held} RETURNING ${w.id}`),
  // Retries are counted at failure, so a released worker has nothing to give back.
  release: sqlText(sql`UPDATE ${w} SET ${w.status} = 'pending', ${w.startedAt} = NULL,
      ${w.updatedAt} = @now, ${clearLease}
    WHERE ${heldNamed} RETURNING ${w.id}`),
  leased: sqlText(sql`SELECT ${w.retryCount}, ${w.maxRetries} FROM ${w} WHERE ${held}`),
  retry: sqlText(sql`UPDATE ${w} SET ${w.status} = 'pending', ${w.retryCount} = ${w.retryCount} + 1,
      ${w.retryAt} = ?, ${w.lastError} = ?, ${w.updatedAt} = ?, ${clearLease} WHERE ${w.id} = ?`),
  failFinal:
    sqlText(sql`UPDATE ${w} SET ${w.status} = 'failed', ${w.retryCount} = ${w.retryCount} + 1,
      ${w.retryAt} = NULL, ${w.lastError} = @error, ${w.completedAt} = @now, ${w.updatedAt} = @now,
      ${clearLease} WHERE ${w.id} = @id`),
  // A claimed row that cannot be read: failed for good, its attempts left as they were.
  failUnreadable: sqlText(sql`UPDATE ${w} SET ${w.status} = 'failed', ${w.retryAt} = NULL,
      ${w.lastError} = @error, ${w.completedAt} = @now, ${w.updatedAt} = @now, ${clearLease}
    WHERE ${w.id} = @id`),
  cancel: sqlText(sql`UPDATE ${w} SET ${w.status} = 'cancelled',
      ${w.lastError} = 'Task cancelled by user', ${w.completedAt} = @now, ${w.updatedAt} = @now,
      ${clearLease}
    WHERE ${w.id} = @id AND ${w.status} IN ('pending', 'running') RETURNING ${w.id}`),
  cleanup: sqlText(sql`DELETE FROM ${w} WHERE ${w.status} IN (${finished})
    AND coalesce(${w.completedAt}, ${w.updatedAt}) < ? RETURNING ${w.id}`),
  get: sqlText(sql`SELECT * FROM ${w} WHERE ${w.id} = ?`),
  counts: sqlText(sql`SELECT ${w.status}, count(*) AS n FROM ${w} GROUP BY ${w.status}`),
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

/** A scheduled worker's columns but its id and times, as its insert writes them. */
type WorkerValues = {
  [K in Exclude<(typeof workerInsertKeys)[number], 'id' | 'createdAt' | 'updatedAt'>]: Worker[K];
};

export type WorkerFailOutcome = { status: 'pending'; retryAt: Date } | { status: 'failed' };

const statements = engineWorkerSql;
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
      claimNext: statements.claimNext,
      recoverExpired: statements.recoverExpired,
      heartbeat: statements.heartbeat,
      complete: statements.complete,
      get: statements.get,
      counts: statements.counts,
      cleanup: statements.cleanup,
      progress: statements.storeProgress,
      release: statements.release,
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
      yield run(statements.failUnreadable, {
        error: truncate(message, MAX_ERROR_CHARS),
        id: row.id,
        now: claim.now,
      });
    },
    *fail(id, token, error, now): Operation<WorkerFailOutcome> {
      const job = (yield get(statements.leased, [id, token])) as
        { retry_count: number; max_retries: number } | undefined;
      if (!job) throw new LeaseLostError(TABLE, id, 'fail');
      const retries = job.retry_count + 1;
      if (retries <= job.max_retries) {
        const retryAt = new Date(now + retryDelayMs(retries, backoff));
        yield run(statements.retry, [toIso(retryAt), error, toIso(now), id]);
        return { status: 'pending', retryAt };
      }
      yield run(statements.failFinal, { error, id, now: toIso(now) });
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

  function* schedule(values: WorkerValues, row: Row, now: string): Operation<Worker> {
    if (values.dedupeHash !== null) {
      const holder = (yield get(statements.activeByHash, [values.dedupeHash])) as Row | undefined;
      if (holder?.status === 'pending') {
        const refreshed = (yield get(statements.refreshPending, [
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
      yield run(statements.releaseHash, [values.dedupeHash]);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const params = encodeWorker({ ...values, id: engineId(), createdAt: now, updatedAt: now });
        return toWorker((yield get(statements.insertWorker, params)) as Row);
      } catch (error) {
        if (!isPrimaryKeyConflict(error) || attempt >= ID_ATTEMPTS) throw error;
      }
    }
  }

  function* cancelWorker(now: string, id: string): Operation<boolean> {
    return ((yield all(statements.cancel, { now, id })) as Row[]).length > 0;
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
      // The defaults are the columns' own, given here because the insert names every column.
      const values: WorkerValues = {
        sessionId: parsed.sessionId ?? null,
        primitive: parsed.primitive,
        status: 'pending',
        instructions: parsed.instructions,
        workspacePath: parsed.workspacePath ?? null,
        priority: parsed.priority ?? 0,
        retryCount: 0,
        maxRetries: parsed.maxRetries ?? 3,
        executeAt: parsed.executeAt ?? null,
        dedupeHash: parsed.dedupeHash ?? null,
      };
      // Stored values by column (size-checked): what a broken constraint is explained with.
      const row = toDriverRow('engine', workers, values);
      const stored = settle<M, Worker>(
        runner,
        () => runner.run(() => schedule(values, row, toIso(now)), WRITE),
        (error) => onWriteError(error, row),
      );
      return afterCommit(runner, stored as Result<M, Worker>, () =>
        notify(channel, { kind: 'enqueued' }),
      );
    },

    cancel(id) {
      const key = requireString(TABLE, 'id', id);
      const now = toIso(clock());
      const cancelled = runner.run(() => cancelWorker(now, key), SINGLE_WRITE);
      // A running worker of this process hears of it at once, others at their next heartbeat.
      return afterCommit(runner, cancelled, (done) => {
        if (done) notify(channel, { kind: 'cancelled', ids: [key] });
      });
    },
  };
}

/** The leased queue of this database: its table, as the dispatch by database name finds it. */
export const engineQueueTable = { database: 'engine', table: 'workers' } as const;
