import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { requireInt, requireString } from './checks.ts';
import { JobCancelledError, LeaseLostError, WorkerStoppedError } from './errors.ts';
import { DEFAULT_LEASE_MS, type ClaimOptions, type HeldLease } from './lease.ts';
import { listen, type QueueEvent } from './wakeups.ts';

/** What a handler gets beside its job. */
export interface JobContext {
  /**
   * Fires when the job is cancelled (JobCancelledError), its lease is lost (LeaseLostError) or the
   * worker stops before the job is done (WorkerStoppedError): the handler should stop its work.
   */
  readonly signal: AbortSignal;
  /** Stores the job's progress (a finite number in the handler's own unit) on its row. */
  readonly progress: (progress: number) => Promise<void>;
}

/** Handles one job; the job completes when it returns, and fails (maybe retried) if it throws. */
export type JobHandler<J> = (job: J, context: JobContext) => unknown;

/** What happened in a worker, for logs and metrics. */
export type WorkerEvent<J> =
  /** A look for due jobs to fill free slots, and how many it claimed. */
  | { type: 'claim'; count: number }
  | { type: 'start'; job: J }
  | { type: 'complete'; job: J }
  | { type: 'fail'; job: J; error: unknown }
  | { type: 'heartbeat'; job: J; expires: Date }
  | { type: 'abort'; job: J; reason: Error }
  | { type: 'release'; job: J }
  | { type: 'error'; error: unknown; job?: J };

export interface WorkerOptions<J> {
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** How often an idle worker looks for due jobs written by other processes (default 1000 ms). */
  pollMs?: number;
  /** Lease of each claimed job (default 60 s). */
  leaseMs?: number;
  /** How often running jobs' leases are extended (default a third of the lease). */
  heartbeatMs?: number;
  /** The worker's name, kept in `lease_owner` (default host:pid:random). */
  name?: string;
  /** How long `stop()` waits for running jobs before releasing them (default 30 s). */
  graceMs?: number;
  /** Stop gracefully on these signals (default none: the application decides). */
  stopOn?: readonly NodeJS.Signals[];
  /**
   * Called for each event. Without it, errors the worker survives (a failed claim, a lost lease)
   * are written to stderr as one line each.
   */
  onEvent?: (event: WorkerEvent<J>) => void;
}

export interface QueueWorker {
  readonly name: string;
  /** Jobs running now. */
  readonly running: number;
  /**
   * Stops: no new claims; running jobs finish, and those still running after `graceMs` get their
   * signal aborted and are released to the queue. Resolves when nothing of the worker is left.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** The queue operations a worker drives: values on the synchronous drivers, promises on libSQL. */
export interface WorkerQueue<J extends HeldLease & { status: string }> {
  readonly table: string;
  readonly channel: string | undefined;
  readonly cancelledStatus: string;
  claimBatch(limit: number, options: ClaimOptions): J[] | Promise<J[]>;
  completeAndClaim(job: HeldLease, options: ClaimOptions): J | undefined | Promise<J | undefined>;
  complete(job: HeldLease): void | Promise<void>;
  fail(job: HeldLease, error: string): unknown;
  heartbeat(job: HeldLease, leaseMs?: number): Date | Promise<Date>;
  progress(job: HeldLease, progress: number): void | Promise<void>;
  release(job: HeldLease): void | Promise<void>;
  get(id: string): J | undefined | Promise<J | undefined>;
}

interface Running<J> {
  job: J;
  controller: AbortController;
  /** Set once the job is no longer the worker's to finish (aborted, released, finished). */
  done: boolean;
}

const DEFAULT_POLL_MS = 1_000;
const DEFAULT_GRACE_MS = 30_000;

const defaultName = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Runs `handler` over a leased queue until stopped: claims up to `concurrency` jobs, extends their
 * leases, completes a finished job and claims the next in one commit, fails a job whose handler
 * throws, and sleeps while nothing is due until an enqueue in this process or the next poll.
 */
export function startQueueWorker<J extends HeldLease & { id: string; status: string }>(
  queue: WorkerQueue<J>,
  handler: JobHandler<J>,
  options: WorkerOptions<J> = {},
): QueueWorker {
  const { table } = queue;
  const concurrency = requireInt(table, 'concurrency', options.concurrency ?? 1, 1);
  const pollMs = requireInt(table, 'pollMs', options.pollMs ?? DEFAULT_POLL_MS, 1);
  const leaseMs = requireInt(table, 'leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS, 1);
  const heartbeatMs = requireInt(
    table,
    'heartbeatMs',
    options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3)),
    1,
  );
  if (heartbeatMs >= leaseMs) {
    throw new RangeError(
      `${table}: heartbeatMs (${heartbeatMs}) must be shorter than leaseMs (${leaseMs})`,
    );
  }
  const name = requireString(table, 'name', options.name ?? defaultName());
  const claim: ClaimOptions = { worker: name, leaseMs };
  const emit =
    options.onEvent ??
    ((event: WorkerEvent<J>) => {
      if (event.type !== 'error') return;
      const on = event.job ? ` (job ${event.job.id})` : '';
      process.stderr.write(`${table} worker ${name}${on}: ${String(event.error)}\n`);
    });

  const running = new Map<string, Running<J>>();
  /** Each started job and the jobs its completions claimed after it, one promise per slot. */
  const chains = new Set<Promise<void>>();
  let stopping = false;
  let wake: (() => void) | undefined;
  // A kick while the loop is busy claiming is kept, so a slot freed meanwhile is not left idle.
  let kicked = false;
  const kick = () => {
    const resolve = wake;
    wake = undefined;
    if (resolve) resolve();
    else kicked = true;
  };

  function abort(entry: Running<J>, reason: Error) {
    if (entry.done) return;
    entry.done = true;
    entry.controller.abort(reason);
    emit({ type: 'abort', job: entry.job, reason });
  }

  const unlisten = queue.channel
    ? listen(queue.channel, (event: QueueEvent) => {
        if (event.kind === 'enqueued') kick();
        else {
          for (const id of event.ids) {
            const entry = running.get(id);
            if (entry) abort(entry, new JobCancelledError(table, id));
          }
        }
      })
    : () => {};

  /** Runs a claimed job, then (unless stopping) the next one the completion claims. */
  function start(first: J) {
    const chain = (async () => {
      let job: J | undefined = first;
      while (job) {
        const current: Running<J> = { job, controller: new AbortController(), done: false };
        running.set(job.id, current);
        emit({ type: 'start', job });
        const next = await runOne(current);
        running.delete(job.id);
        job = next;
      }
      kick();
    })();
    chains.add(chain);
    const forget = () => chains.delete(chain);
    chain.then(forget, forget);
  }

  /** Runs one job to its end; returns the next job when its completion claimed one. */
  async function runOne(entry: Running<J>): Promise<J | undefined> {
    const { job, controller } = entry;
    const context: JobContext = {
      signal: controller.signal,
      progress: async (value) => {
        await queue.progress(job, value);
      },
    };
    let failure: { error: unknown } | undefined;
    try {
      await handler(job, context);
    } catch (error) {
      failure = { error };
    }
    if (entry.done) return undefined; // cancelled, lost or released: not ours to finish
    entry.done = true;
    try {
      if (failure) {
        await queue.fail(job, errorText(failure.error));
        emit({ type: 'fail', job, error: failure.error });
        return undefined;
      }
      if (stopping) {
        await queue.complete(job);
        emit({ type: 'complete', job });
        return undefined;
      }
      const next = await queue.completeAndClaim(job, claim);
      emit({ type: 'complete', job });
      return stopping ? releaseUnstarted(next) : next;
    } catch (error) {
      emit({ type: 'error', error, job });
      return undefined;
    }
  }

  /** A job claimed by a completion that raced with stop(): back to the queue at once. */
  async function releaseUnstarted(job: J | undefined): Promise<undefined> {
    if (job) {
      try {
        await queue.release(job);
        emit({ type: 'release', job });
      } catch (error) {
        emit({ type: 'error', error, job });
      }
    }
    return undefined;
  }

  async function heartbeatAll() {
    for (const entry of [...running.values()]) {
      if (entry.done) continue;
      try {
        const expires = await queue.heartbeat(entry.job, leaseMs);
        emit({ type: 'heartbeat', job: entry.job, expires });
      } catch (error) {
        if (!(error instanceof LeaseLostError)) {
          emit({ type: 'error', error, job: entry.job });
          continue;
        }
        const row = await Promise.resolve(queue.get(entry.job.id)).catch(() => undefined);
        abort(
          entry,
          row?.status === queue.cancelledStatus
            ? new JobCancelledError(table, entry.job.id)
            : error,
        );
      }
    }
  }
  let beating = false;
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = true;
    void heartbeatAll().finally(() => {
      beating = false;
    });
  }, heartbeatMs);

  async function loop() {
    while (!stopping) {
      const free = concurrency - running.size;
      if (free > 0) {
        let jobs: J[] = [];
        try {
          jobs = await queue.claimBatch(free, claim);
          emit({ type: 'claim', count: jobs.length });
        } catch (error) {
          emit({ type: 'error', error });
        }
        if (stopping) {
          for (const job of jobs) await releaseUnstarted(job);
          break;
        }
        for (const job of jobs) start(job);
      }
      if (kicked) {
        kicked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(kick, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
  const looping = loop();

  const signals = options.stopOn ?? [];
  const onSignal = () => void worker.stop();
  for (const signal of signals) process.on(signal, onSignal);

  let stopped: Promise<void> | undefined;
  const worker: QueueWorker = {
    name,
    get running() {
      return running.size;
    },
    stop(stopOptions = {}) {
      stopped ??= (async () => {
        const graceMs = requireInt(
          table,
          'graceMs',
          stopOptions.graceMs ?? options.graceMs ?? DEFAULT_GRACE_MS,
          0,
        );
        stopping = true;
        unlisten();
        for (const signal of signals) process.off(signal, onSignal);
        kick();
        await looping;
        const finished = Promise.all(chains);
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), graceMs);
        });
        const late = (await Promise.race([finished, graceOver])) === 'late';
        clearTimeout(timer);
        if (late) {
          for (const entry of [...running.values()]) {
            if (entry.done) continue;
            abort(entry, new WorkerStoppedError(table, name));
            try {
              await queue.release(entry.job);
              emit({ type: 'release', job: entry.job });
            } catch (error) {
              emit({ type: 'error', error, job: entry.job });
            }
          }
        }
        clearInterval(heartbeat);
        // Handlers that ignore their signal are not waited for: their jobs are no longer ours.
        if (!late) await finished;
      })();
      return stopped;
    },
  };
  return worker;
}
