import type { SqliteStatement } from '../../driver/types.ts';
import { parseRow } from '@agentstate/schema';
import {
  workerRows,
  workers,
  finishedWorkerStatuses,
  workerStatuses,
  type Worker,
} from '@agentstate/schema/engine';
import { retryDelayMs, type BackoffOptions } from '../shared/backoff.ts';
import { countByStatus, requireInt, requireString } from '../shared/checks.ts';
import { rowMapper, toDriverRow } from '../shared/columns.ts';
import { immediate, type ClientContext } from '../shared/connection.ts';
import { constraintError } from '../shared/constraints.ts';
import { LeaseLostError } from '../shared/errors.ts';
import { engineId, insertWithFreshId } from '../shared/ids.ts';
import {
  checkBatchSize,
  checkClaim,
  DEFAULT_LEASE_MS,
  createClaimer,
  heldLease,
  LEGACY_CLAIM_MS,
  newLeaseToken,
  type ClaimOptions,
  type HeldLease,
  UNREADABLE_ROW,
} from '../shared/lease.ts';
import { checkWellFormed } from '../shared/limits.ts';
import { sqlStringList } from '@agentstate/schema';
import { toIso, toSeconds } from '../shared/time.ts';

const TABLE = 'workers';
const DAY_MS = 86_400_000;
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
      lease_owner = @owner, lease_token = @token, lease_expires_at = @expires
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
      OR (lease_expires_at IS NULL AND unixepoch(coalesce(started_at, updated_at)) <= @legacy))`,
  heartbeat: `UPDATE workers SET lease_expires_at = ? WHERE id = ? AND status = 'running'
    AND lease_token = ?`,
  complete: `UPDATE workers SET status = 'complete', completed_at = @now, updated_at = @now,
      last_error = NULL, retry_at = NULL, ${CLEAR_LEASE}
    WHERE id = @id AND status = 'running' AND lease_token = @token`,
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
    WHERE id = @id AND status IN ('pending', 'running')`,
  cleanup: `DELETE FROM workers WHERE status IN (${sqlStringList(finishedWorkerStatuses)})
    AND coalesce(completed_at, updated_at) < ?`,
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

/**
 * The engine's background-worker queue, with the same lease, fencing and recovery rules as the
 * pokecode queue, and the original's dedupe_hash semantics.
 */
export function createEngineWorkerQueue(ctx: ClientContext, backoff?: BackoffOptions) {
  const { clock, sqlite } = ctx;
  const st = {} as Record<keyof typeof engineWorkerSql, SqliteStatement>;
  for (const [name, sql] of Object.entries(engineWorkerSql)) {
    st[name as keyof typeof engineWorkerSql] = sqlite.prepare(sql);
  }
  const toWorker = rowMapper(workers);
  const recoveryParams = (now: number) => ({
    now: toIso(now),
    legacy: toSeconds(now - LEGACY_CLAIM_MS),
  });

  const scheduleTx = immediate(sqlite, (row: Record<string, unknown>, now: string): Worker => {
    const hash = row.dedupe_hash as string | null;
    if (hash !== null) {
      const holder = st.activeByHash.get(hash) as Record<string, unknown> | undefined;
      if (holder?.status === 'pending') {
        return toWorker(
          st.refreshPending.get(
            row.execute_at ?? null,
            row.instructions,
            row.priority ?? 0,
            now,
            holder.id,
          ) as Record<string, unknown>,
        );
      }
      // A running worker is already doing this work (and keeps its hash should it be retried).
      if (holder) return toWorker(holder);
      st.releaseHash.run(hash);
    }
    return insertWithFreshId(engineId, (id) =>
      toWorker(
        st.insertWorker.get({
          session_id: null,
          workspace_path: null,
          priority: 0,
          max_retries: 3,
          execute_at: null,
          dedupe_hash: null,
          ...row,
          id,
          created_at: now,
          updated_at: now,
        }) as Record<string, unknown>,
      ),
    );
  });

  /** A claimed row as a Worker; one that cannot be read fails at once (see UNREADABLE_ROW). */
  function readClaimed(row: Record<string, unknown>, claim: { now: string }): Worker | undefined {
    try {
      return toWorker(row);
    } catch (error) {
      const message = truncate(`${UNREADABLE_ROW}: ${(error as Error).message}`, MAX_ERROR_CHARS);
      st.failUnreadable.run({ error: message, id: row.id, now: claim.now });
      return undefined;
    }
  }

  const claimWorkers = createClaimer({
    recover: (now: number) => st.recoverExpired.run(recoveryParams(now)).changes,
    claimNext: (claim: { now: string; owner: string; token: string; expires: string }) =>
      st.claimNext.get(claim) as Record<string, unknown> | undefined,
    read: readClaimed,
  });

  const claimTx = immediate(
    sqlite,
    (worker: string, leaseMs: number, limit: number, now: number): Worker[] => {
      const claim = {
        now: toIso(now),
        owner: worker,
        token: newLeaseToken(),
        expires: toIso(now + leaseMs),
      };
      return claimWorkers(claim, limit, now);
    },
  );

  const failTx = immediate(
    sqlite,
    (id: string, token: string, error: string, now: number): WorkerFailOutcome => {
      const job = st.leased.get(id, token) as
        { retry_count: number; max_retries: number } | undefined;
      if (!job) throw new LeaseLostError(TABLE, id, 'fail');
      const retries = job.retry_count + 1;
      if (retries <= job.max_retries) {
        const retryAt = new Date(now + retryDelayMs(retries, backoff));
        st.retry.run(toIso(retryAt), error, toIso(now), id);
        return { status: 'pending', retryAt };
      }
      st.failFinal.run({ error, id, now: toIso(now) });
      return { status: 'failed' };
    },
  );

  return {
    /**
     * Schedules a worker. With a dedupe hash matching a pending worker, that worker's
     * execute_at, instructions and priority are refreshed and it is returned instead; matching a
     * running worker, that worker is returned unchanged. Never two unfinished workers per hash.
     */
    schedule(input: ScheduleWorkerInput): Worker {
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
      try {
        return scheduleTx(row, toIso(now));
      } catch (error) {
        throw constraintError(sqlite, TABLE, row, error);
      }
    },

    /**
     * Claims the most urgent runnable worker (recovering expired leases first). A due worker whose
     * row cannot be read (a timestamp that is not one) is failed (`last_error` starts with
     * "unreadable row") and the next one claimed.
     */
    claim(options: ClaimOptions): Worker | undefined {
      const { worker, leaseMs } = checkClaim(TABLE, options);
      return claimTx(worker, leaseMs, 1, clock())[0];
    },

    /** Claims up to `limit` runnable workers in one transaction. */
    claimBatch(limit: number, options: ClaimOptions): Worker[] {
      const { worker, leaseMs } = checkClaim(TABLE, options);
      return claimTx(worker, leaseMs, checkBatchSize(TABLE, limit), clock());
    },

    heartbeat(job: HeldLease, leaseMs = DEFAULT_LEASE_MS): Date {
      const { id, token } = heldLease(TABLE, job, 'heartbeat');
      const expires = clock() + requireInt(TABLE, 'lease_expires_at', leaseMs, 1);
      if (st.heartbeat.run(toIso(expires), id, token).changes === 0) {
        throw new LeaseLostError(TABLE, id, 'heartbeat');
      }
      return new Date(expires);
    },

    complete(job: HeldLease): void {
      const { id, token } = heldLease(TABLE, job, 'complete');
      if (st.complete.run({ now: toIso(clock()), id, token }).changes === 0) {
        throw new LeaseLostError(TABLE, id, 'complete');
      }
    },

    /** retry_count + 1, then back to pending after a backoff, or failed past max_retries. */
    fail(job: HeldLease, error: string): WorkerFailOutcome {
      const { id, token } = heldLease(TABLE, job, 'fail');
      const message = truncate(requireString(TABLE, 'last_error', error), MAX_ERROR_CHARS);
      checkWellFormed(TABLE, 'last_error', message);
      return failTx(id, token, message, clock());
    },

    /** Cancels a pending or running worker; false when it had already finished. */
    cancel(id: string): boolean {
      return st.cancel.run({ now: toIso(clock()), id }).changes > 0;
    },

    recoverExpired(): number {
      return st.recoverExpired.run(recoveryParams(clock())).changes;
    },

    /** Deletes finished (complete, failed, cancelled) workers older than `retentionDays`. */
    cleanup(retentionDays = 30): number {
      const days = requireInt(TABLE, 'completed_at', retentionDays, 0);
      return st.cleanup.run(toIso(clock() - days * DAY_MS)).changes;
    },

    get(id: string): Worker | undefined {
      const row = st.get.get(id) as Record<string, unknown> | undefined;
      return row && toWorker(row);
    },

    counts(): Record<Worker['status'], number> {
      return countByStatus(
        workerStatuses,
        st.counts.all() as Array<{ status: Worker['status']; n: number }>,
      );
    },
  };
}

export type EngineWorkerQueue = ReturnType<typeof createEngineWorkerQueue>;
