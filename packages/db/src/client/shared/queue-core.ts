import {
  afterCommit,
  get,
  all,
  mapResult,
  run,
  type Operation,
  type Result,
  type Row,
  type Runner,
  type RunnerMode,
  type Step,
} from '../../driver/operation.ts';
import { countByStatus, requireInt, requireString } from './checks.ts';
import { columnError, LeaseLostError } from './errors.ts';
import {
  checkBatchSize,
  checkClaim,
  DEFAULT_LEASE_MS,
  heldLease,
  newLeaseToken,
  RECOVERY_INTERVAL_MS,
  UNREADABLE_ROW,
  type ClaimOptions,
  type HeldLease,
} from './lease.ts';
import { READ, rowOf, SINGLE_WRITE, WRITE } from './operations.ts';
import { notify } from './wakeups.ts';
import {
  startQueueWorker,
  type JobHandler,
  type QueueWorker,
  type WorkerOptions,
} from './worker.ts';

const DAY_MS = 86_400_000;

/**
 * The leased queue both databases have (pokecode `job_queue`, engine `workers`), built once from a
 * per-table spec. Claims are leases: one `UPDATE … RETURNING` per job, inside one immediate
 * transaction, gives each job to exactly one worker with a fencing token; a heartbeat extends the
 * lease; an expired lease is recovered by a claim (within RECOVERY_INTERVAL_MS, at once when no
 * other job is due). Every write confirms itself with RETURNING, never with a change count.
 */
export interface QueueSpec<J extends HeldLease & { status: string }, F> {
  table: string;
  statuses: readonly J['status'][];
  sql: {
    /** Claims the next due row (RETURNING *), or none. */
    claimNext: string;
    /** Puts expired leases back or fails them (RETURNING at least id and status). */
    recoverExpired: string;
    /** Extends a held lease (RETURNING id). */
    heartbeat: string;
    /** Finishes a held job (RETURNING at least id). */
    complete: string;
    get: string;
    counts: string;
    /** Deletes finished rows older than a cutoff (RETURNING id). */
    cleanup: string;
    /** Stores a held job's progress (RETURNING id). */
    progress: string;
    /** Puts a held job back in the queue, its attempt not counted (RETURNING id). */
    release: string;
  };
  claimParams(worker: string, token: string, now: number, leaseMs: number): Row;
  recoverParams(now: number): Row;
  heartbeatParams(expires: number, id: string, token: string): Step['params'];
  completeParams(now: number, id: string, token: string): Step['params'];
  cleanupParams(cutoff: number): Step['params'];
  progressParams(progress: number, id: string, token: string): Step['params'];
  releaseParams(now: number, id: string, token: string): Step['params'];
  toJob: (row: Row) => J;
  /** Fails a claimed row that cannot be read, in the claim's transaction (see UNREADABLE_ROW). */
  failUnreadable(row: Row, message: string, claim: Row): Operation<void>;
  /** Steps after a claim (before it commits): the jobs as they will be returned. */
  afterClaim?(jobs: J[], claim: Row): Operation<void>;
  /** Steps after a recovery, given the recovered rows. */
  afterRecover?(rows: Row[], now: number): Operation<void>;
  afterComplete?(row: Row, now: number): Operation<void>;
  /** Fails a held job (retry or final) or throws LeaseLostError; `error` is already checked. */
  fail(id: string, token: string, error: string, now: number): Operation<F>;
  /** The error text as stored (checked, maybe truncated). */
  errorText(error: string): string;
  /** Default retention of finished rows, in days. */
  retentionDays: number;
  /** The status a cancelled job has (its worker's signal is aborted). */
  cancelledStatus: J['status'];
}

export interface LeasedQueue<M extends RunnerMode, J, F, S extends string> {
  /**
   * Claims the next due job (recovering expired leases); undefined when none is due. A due job
   * whose row cannot be read is failed (its error starts with "unreadable row") and the next one
   * claimed.
   */
  claim(options: ClaimOptions): Result<M, J | undefined>;
  /** Claims up to `limit` due jobs in one transaction, in claim order. */
  claimBatch(limit: number, options: ClaimOptions): Result<M, J[]>;
  /** Extends a held lease; returns the new expiry. Throws LeaseLostError if it is not held. */
  heartbeat(job: HeldLease, leaseMs?: number): Result<M, Date>;
  /** Marks a held job finished. Throws LeaseLostError if it is not held. */
  complete(job: HeldLease): Result<M, void>;
  /**
   * Marks a held job finished and claims the next due one in the same commit: a worker's steady
   * state costs one transaction per job. Throws LeaseLostError (nothing claimed) if it is not held.
   */
  completeAndClaim(job: HeldLease, options: ClaimOptions): Result<M, J | undefined>;
  /** Stores a held job's progress, a finite number in the caller's unit. */
  progress(job: HeldLease, progress: number): Result<M, void>;
  /**
   * Puts a held job back in the queue at once, as if never claimed (its attempt is not counted):
   * a worker that stops before the job is done gives it to the next worker.
   */
  release(job: HeldLease): Result<M, void>;
  /** Fails a held job: retried after a backoff while attempts remain, else failed. */
  fail(job: HeldLease, error: string): Result<M, F>;
  /** Puts jobs whose lease expired back in the queue (or fails them); returns how many. */
  recoverExpired(): Result<M, number>;
  /** Deletes finished jobs older than the retention; returns how many. */
  cleanup(retentionDays?: number): Result<M, number>;
  get(id: string): Result<M, J | undefined>;
  /** Number of jobs per status. */
  counts(): Result<M, Record<S, number>>;
  /**
   * Runs `handler` over this queue until `stop()` (worker.ts): claims up to `concurrency` jobs,
   * heartbeats, completes each job and claims the next in one commit, and wakes at once on an
   * enqueue in this process.
   */
  startWorker(handler: JobHandler<J>, options?: WorkerOptions<J>): QueueWorker;
}

export function createLeasedQueue<
  M extends RunnerMode,
  J extends HeldLease & { status: string },
  F,
>(
  runner: Runner<M>,
  clock: () => number,
  spec: QueueSpec<J, F>,
  /** Where this database's queues meet in this process (wakeups.ts). */
  channel?: string,
): LeasedQueue<M, J, F, J['status']> {
  const { table, sql } = spec;
  let lastRecovery = -Infinity;
  // One statement unless the table has follow-up steps (pokecode's session tracking).
  const recoverKind = spec.afterRecover ? WRITE : SINGLE_WRITE;

  function* recover(now: number): Operation<number> {
    const rows = (yield all(sql.recoverExpired, spec.recoverParams(now))) as Row[];
    if (spec.afterRecover && rows.length > 0) yield* spec.afterRecover(rows, now);
    return rows.length;
  }

  /**
   * Recovers expired leases when the interval has passed, takes up to `limit` rows one seek at a
   * time, and recovers once more if the due rows run short.
   */
  function* claimJobs(worker: string, leaseMs: number, limit: number, now: number) {
    const claim = spec.claimParams(worker, newLeaseToken(), now, leaseMs);
    let recovered = false;
    // A clock that went back (a system time change) must not hold recovery off until it catches up.
    if (now - lastRecovery >= RECOVERY_INTERVAL_MS || now < lastRecovery) {
      yield* recover(now);
      recovered = true;
      lastRecovery = now;
    }
    const jobs: J[] = [];
    while (jobs.length < limit) {
      const row = (yield get(sql.claimNext, claim)) as Row | undefined;
      if (row !== undefined) {
        let job: J | undefined;
        try {
          job = spec.toJob(row);
        } catch (error) {
          yield* spec.failUnreadable(row, `${UNREADABLE_ROW}: ${(error as Error).message}`, claim);
        }
        if (job !== undefined) jobs.push(job);
        continue;
      }
      if (recovered || (yield* recover(now)) === 0) break;
      recovered = true;
    }
    if (spec.afterClaim && jobs.length > 0) yield* spec.afterClaim(jobs, claim);
    return jobs;
  }

  function* completeJob(id: string, token: string, now: number): Operation<void> {
    const row = (yield get(sql.complete, spec.completeParams(now, id, token))) as Row | undefined;
    if (row === undefined) throw new LeaseLostError(table, id, 'complete');
    if (spec.afterComplete) yield* spec.afterComplete(row, now);
  }

  // Each operation's steps, built once per queue: a generator function created per call costs
  // more than the statement it runs (V8 gives every generator function a prototype of its own).
  function* completeAndClaimJob(
    id: string,
    token: string,
    worker: string,
    leaseMs: number,
    now: number,
  ) {
    yield* completeJob(id, token, now);
    return yield* claimJobs(worker, leaseMs, 1, now);
  }

  // A lease write of one statement: its RETURNING row proves the lease was still held.
  const held =
    (id: string, action: string) =>
    (row: unknown): void => {
      if (row === undefined) throw new LeaseLostError(table, id, action);
    };
  const counted = (rows: unknown) =>
    countByStatus(spec.statuses, rows as Array<{ status: J['status']; n: number }>);
  const cleaned = (rows: unknown) => (rows as Row[]).length;

  const first = (jobs: Result<M, J[]>): Result<M, J | undefined> =>
    mapResult(runner, jobs, (list) => list[0]);

  const queue: LeasedQueue<M, J, F, J['status']> = {
    claim(options) {
      const { worker, leaseMs } = checkClaim(table, options);
      const now = clock();
      return first(runner.run(() => claimJobs(worker, leaseMs, 1, now), WRITE));
    },

    claimBatch(limit, options) {
      const { worker, leaseMs } = checkClaim(table, options);
      const size = checkBatchSize(table, limit);
      const now = clock();
      return runner.run(() => claimJobs(worker, leaseMs, size, now), WRITE);
    },

    heartbeat(job, leaseMs = DEFAULT_LEASE_MS) {
      const { id, token } = heldLease(table, job, 'heartbeat');
      const expires = clock() + requireInt(table, 'lease_expires_at', leaseMs, 1);
      const step = get(sql.heartbeat, spec.heartbeatParams(expires, id, token));
      const lease = held(id, 'heartbeat');
      const renewed = (row: unknown) => {
        lease(row);
        return new Date(expires);
      };
      return runner.statement(step, renewed, SINGLE_WRITE);
    },

    complete(job) {
      const { id, token } = heldLease(table, job, 'complete');
      const now = clock();
      if (spec.afterComplete) return runner.run(() => completeJob(id, token, now), WRITE);
      const step = get(sql.complete, spec.completeParams(now, id, token));
      return runner.statement(step, held(id, 'complete'), SINGLE_WRITE);
    },

    completeAndClaim(job, options) {
      const { id, token } = heldLease(table, job, 'complete');
      const { worker, leaseMs } = checkClaim(table, options);
      const now = clock();
      return first(runner.run(() => completeAndClaimJob(id, token, worker, leaseMs, now), WRITE));
    },

    progress(job, progress) {
      const { id, token } = heldLease(table, job, 'store progress of');
      if (typeof progress !== 'number' || !Number.isFinite(progress)) {
        columnError(table, 'progress', `expected a finite number, got ${String(progress)}`);
      }
      const step = get(sql.progress, spec.progressParams(progress, id, token));
      return runner.statement(step, held(id, 'store progress of'), SINGLE_WRITE);
    },

    release(job) {
      const { id, token } = heldLease(table, job, 'release');
      const now = clock();
      const step = get(sql.release, spec.releaseParams(now, id, token));
      const released = runner.statement(step, held(id, 'release'), SINGLE_WRITE);
      return afterCommit(runner, released, () => notify(channel, { kind: 'enqueued' }));
    },

    fail(job, error) {
      const { id, token } = heldLease(table, job, 'fail');
      const message = spec.errorText(requireString(table, 'error', error));
      const now = clock();
      return runner.run(() => spec.fail(id, token, message, now), WRITE);
    },

    recoverExpired() {
      const now = clock();
      return runner.run(() => recover(now), recoverKind);
    },

    cleanup(retentionDays = spec.retentionDays) {
      const cutoff = clock() - requireInt(table, 'completed_at', retentionDays, 0) * DAY_MS;
      return runner.statement(all(sql.cleanup, spec.cleanupParams(cutoff)), cleaned, SINGLE_WRITE);
    },

    get(id) {
      return rowOf(runner, sql.get, [id], spec.toJob);
    },

    counts() {
      return runner.statement(all(sql.counts), counted, READ);
    },

    startWorker(handler, options) {
      return startQueueWorker(
        { ...queue, table, channel, cancelledStatus: spec.cancelledStatus },
        handler,
        options,
      );
    },
  };
  return queue;
}

/** A write step whose rows are not needed. */
export const write = run;
