import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BadRequestError, presentable } from './rows.ts';

const runnerPath = fileURLToPath(new URL('./sql-box-runner.mjs', import.meta.url));

export const SQL_TIME_LIMIT_MS = 5_000;
/** A query's rows are paged up to this many; the rest are not read. */
export const SQL_ROW_LIMIT = 10_000;
/** Queries running at once; more wait their turn (each takes a process and, busy, a core). */
export const SQL_CONCURRENCY = 2;
/** How long a runner may take to start and prepare before it is given up. */
const STARTUP_TIMEOUT_MS = 30_000;
const BUSY_TIMEOUT_MS = 2_000;

export interface SqlBoxOptions {
  timeLimitMs?: number;
  rowLimit?: number;
  concurrency?: number;
}

export interface SqlPageRequest {
  offset: number;
  limit: number;
  signal?: AbortSignal;
}

export interface SqlPage {
  columns: string[];
  rows: unknown[][];
  offset: number;
  /** Present when more rows follow within the row limit. */
  nextOffset: number | undefined;
  /** True when the query has rows beyond the row limit, which are not shown. */
  rowLimitReached: boolean;
  rowLimit: number;
  timeLimitMs: number;
}

interface RunnerAnswer {
  started?: true;
  error?: string;
  refused?: boolean;
  columns?: string[];
  rows?: unknown[][];
  nextOffset?: number;
  rowLimitReached?: boolean;
}

class Aborted extends Error {}

/**
 * The offline browser's read-only SQL box. Each query runs in a runner process of its own (see
 * sql-box-runner.mjs) on a read-only, `query_only` connection, and is killed at the time limit;
 * statements that would write, or return no rows, are refused before they run. Pages of a result
 * are offset pages: each runs the query again and reads no further than the page (and never past
 * the row limit).
 */
export class SqlBox {
  readonly timeLimitMs: number;
  readonly rowLimit: number;
  private readonly concurrency: number;
  private readonly running = new Set<ChildProcess>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private closed = false;
  private readonly killAll = (): void => {
    for (const child of this.running) child.kill('SIGKILL');
  };

  constructor(options: SqlBoxOptions = {}) {
    this.timeLimitMs = options.timeLimitMs ?? SQL_TIME_LIMIT_MS;
    this.rowLimit = options.rowLimit ?? SQL_ROW_LIMIT;
    this.concurrency = options.concurrency ?? SQL_CONCURRENCY;
    // No runner outlives the studio, however it exits.
    process.once('exit', this.killAll);
  }

  /** Number of runner processes alive now. */
  get runners(): number {
    return this.running.size;
  }

  /** One page of `sql` on the file at `path`; a bad query throws a BadRequestError for `q`. */
  async run(path: string, sql: string, request: SqlPageRequest): Promise<SqlPage> {
    if (this.closed) throw new Error('the SQL box is closed');
    await this.turn(request.signal);
    try {
      const answer = await this.runOnce(path, sql, request);
      return {
        columns: answer.columns ?? [],
        rows: (answer.rows ?? []).map((row) => row.map(presentable)),
        offset: request.offset,
        nextOffset: answer.nextOffset,
        rowLimitReached: answer.rowLimitReached ?? false,
        rowLimit: this.rowLimit,
        timeLimitMs: this.timeLimitMs,
      };
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Stops every running query; later calls to run fail. */
  close(): void {
    this.closed = true;
    this.killAll();
    process.off('exit', this.killAll);
  }

  private turn(signal: AbortSignal | undefined): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const go = (): void => {
        signal?.removeEventListener('abort', abort);
        this.active++;
        resolve();
      };
      const abort = (): void => {
        this.waiting.splice(this.waiting.indexOf(go), 1);
        reject(new Aborted('the client went away'));
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push(go);
    });
  }

  private runOnce(path: string, sql: string, request: SqlPageRequest): Promise<RunnerAnswer> {
    const child = fork(runnerPath, [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.running.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise<RunnerAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', abort);
        child.kill('SIGKILL');
        outcome();
      };
      const seconds = this.timeLimitMs / 1000;
      const timeUp = (): void =>
        finish(() =>
          reject(
            new BadRequestError(
              'q',
              `stopped after ${seconds} s, the SQL box's time limit: narrow the query (a WHERE, a LIMIT) or use the database's own tools for long queries`,
            ),
          ),
        );
      let timer = setTimeout(
        () => finish(() => reject(new Error('the SQL runner did not start'))),
        STARTUP_TIMEOUT_MS,
      );
      const abort = (): void => finish(() => reject(new Aborted('the client went away')));
      request.signal?.addEventListener('abort', abort, { once: true });
      if (request.signal?.aborted) abort();

      child.on('message', (answer: RunnerAnswer) => {
        if (answer.started) {
          clearTimeout(timer);
          timer = setTimeout(timeUp, this.timeLimitMs);
          return;
        }
        if (answer.error !== undefined) {
          const problem = answer.error;
          finish(() => reject(new BadRequestError('q', problem)));
        } else finish(() => resolve(answer));
      });
      child.once('error', (error) => finish(() => reject(error)));
      child.once('exit', (code, signal) => {
        this.running.delete(child);
        finish(() =>
          reject(
            new Error(
              `the SQL runner stopped (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`,
            ),
          ),
        );
      });
      child.send({
        path,
        sql,
        offset: request.offset,
        limit: request.limit,
        rowLimit: this.rowLimit,
        timeLimitMs: this.timeLimitMs,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
      });
    });
  }
}

export function isAborted(error: unknown): boolean {
  return error instanceof Aborted;
}
