import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  localReplications,
  markPaused,
  pauseRequest,
  registerReplicator,
  ReplicationError,
} from './coordination.ts';
import { LagTracker, litestreamMetaDir, ShadowWalSalts, WalCommitReader } from './lag-tracker.ts';
import { litestreamBinary } from './litestream-binary.ts';
import { DEFAULT_MONITOR_INTERVAL_MS, writeLitestreamConfig } from './litestream-config.ts';
import {
  errorText,
  parseLogLine,
  parsePosition,
  type LitestreamLogLine,
  type ReplicaPosition,
} from './litestream-log.ts';
import { parseReplicaTarget, type ReplicaTarget } from './replica-target.ts';

export interface ReplicationOptions {
  /** The database file. */
  path: string;
  /** A folder, or an s3://, sftp://, gcs:// or abs:// URL (credentials from the environment). */
  to: string | ReplicaTarget;
  /** Where a relative folder resolves from (default: the working directory). */
  cwd?: string;
  /** Litestream's monitor and sync interval (default 100 ms). */
  monitorIntervalMs?: number;
  /** Private key for an sftp:// replica. */
  sftpKeyPath?: string;
  /** How long the replica keeps history, the point-in-time window (Litestream's default 24 h). */
  retentionMs?: number;
  /** Litestream's environment, where it reads credentials (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Start Litestream again when it dies (default true), after 0.5 s, doubling up to 30 s. */
  restart?: boolean;
  /** How often the WAL is read for new commits: the resolution of the lag figure (default 25 ms). */
  pollIntervalMs?: number;
  /** How often a `lag` event is emitted (default 1 s). */
  lagEventIntervalMs?: number;
}

export interface ReplicatedEvent {
  /** Where the replica now ends (a snapshot: the position it was taken at). */
  position: ReplicaPosition;
  /** WAL bytes this segment shipped (for a snapshot: its compressed size). */
  bytes: number;
  /**
   * How long the oldest commit this confirmed waited; undefined when it confirmed none seen here
   * (always for a snapshot: the WAL segments after it confirm its commits).
   */
  lagMs: number | undefined;
  /** Polls' worth of commits it confirmed. */
  commits: number;
  /** How long each of those waited (oldest first): the lag of every commit, to the poll. */
  lagsMs: number[];
}

/** The events of a replication; `error` is only emitted to listeners (never thrown). */
export interface ReplicationEvents {
  /** Litestream is running (again): after start, a restart or a resume. */
  started: [{ pid: number }];
  /** A new generation: a fresh snapshot starts the replica's history over (`reason` from Litestream). */
  generation: [{ generation: string; reason: string }];
  snapshot: [ReplicatedEvent];
  replicated: [ReplicatedEvent];
  /** Every `lagEventIntervalMs`: the lag then (see Replication.lagMs). */
  lag: [{ lagMs: number }];
  error: [Error];
  /** Litestream stopped for a restore by process `requester`; `resumed` when it is done. */
  paused: [{ requester: number }];
  resumed: [];
  /** Litestream exited; `expected` when stop() or a pause asked it to. */
  exit: [{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }];
}

export type ReplicationState = 'starting' | 'running' | 'restarting' | 'paused' | 'stopped';

/**
 * Litestream under a watchdog shell: SIGTERM (or SIGINT/SIGHUP) to the shell stops Litestream
 * gracefully, and so does the end of its stdin, which comes when this process dies however it
 * dies, so a SIGKILLed app leaves no replicator behind. $0 is the binary, "$@" its arguments.
 */
const WATCHDOG = `exec 3<&0
"$0" "$@" </dev/null 3<&- &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
(read -r _ <&3; kill -TERM "$child" 2>/dev/null) &
watcher=$!
exec 3<&-
wait "$child"; status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"`;

const STOP_TIMEOUT_MS = 15_000;

function groupAlive(group: number): boolean {
  try {
    process.kill(group, 0);
    return true;
  } catch {
    return false;
  }
}
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Continuous replication of one database file with Litestream (v0.3.13, from npm): its
 * configuration is generated, its JSON log read into events, and the lag measured from the
 * database's own WAL (see LagTracker). One replication per file across processes; a restore in
 * another process pauses it (withReplicationPaused) and it resumes on a new generation.
 */
export class Replication extends EventEmitter<ReplicationEvents> {
  readonly path: string;
  readonly target: ReplicaTarget;
  private currentState: ReplicationState = 'starting';
  private child: ChildProcessWithoutNullStreams | undefined;
  private stopping: Promise<void> | undefined;
  private readonly tracker: LagTracker;
  private readonly shadow: ShadowWalSalts;
  private reader: WalCommitReader;
  private generation = '';
  private poller: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private lastLagEvent = 0;
  private pauseBy: number | undefined;
  private transition: Promise<void> = Promise.resolve();
  /** A pause or resume is queued: the poller must not queue another. */
  private switching = false;
  private polls = 0;
  /**
   * Since Litestream last started: when it started, whether it found a generation to carry on,
   * and whether the replica has since written a WAL segment (a snapshot alone holds no restorable state).
   */
  private launchedAt = 0;
  private continuing = false;
  private shippedSinceLaunch = false;
  private failedSinceLaunch = false;

  private constructor(
    private readonly options: ReplicationOptions,
    private readonly binary: string,
    private readonly configDir: string,
    private readonly configPath: string,
    private readonly unregister: () => void,
    target: ReplicaTarget,
    path: string,
  ) {
    super();
    this.path = path;
    this.target = target;
    this.shadow = new ShadowWalSalts(litestreamMetaDir(path));
    this.tracker = new LagTracker(this.shadow);
    this.reader = new WalCommitReader(`${path}-wal`);
  }

  /** Starts Litestream for the file; resolves once it replicates, rejects with its error. */
  static async start(options: ReplicationOptions): Promise<Replication> {
    const path = resolve(options.cwd ?? process.cwd(), options.path);
    if (!existsSync(path))
      throw new ReplicationError(`${path} does not exist: nothing to replicate`);
    const target =
      typeof options.to === 'string' ? parseReplicaTarget(options.to, options.cwd) : options.to;
    if (target.type === 'file' && resolve(target.path) === resolve(path)) {
      throw new ReplicationError(`the replica ${target.path} is the database itself`);
    }
    const binary = litestreamBinary(options.env);
    const unregister = registerReplicator(path, target.display);
    const configDir = mkdtempSync(join(tmpdir(), 'agentstate-litestream-'));
    let replication: Replication | undefined;
    try {
      const configPath = writeLitestreamConfig(configDir, {
        databasePath: path,
        target,
        monitorIntervalMs: options.monitorIntervalMs ?? DEFAULT_MONITOR_INTERVAL_MS,
        sftpKeyPath: options.sftpKeyPath,
        retentionMs: options.retentionMs,
      });
      replication = new Replication(
        options,
        binary,
        configDir,
        configPath,
        unregister,
        target,
        path,
      );
      localReplications.set(path, replication);
      // The WAL as it is before Litestream starts: its commits wait for the first snapshot.
      replication.observeWal();
      await replication.launch();
      replication.startPolling();
      return replication;
    } catch (error) {
      if (replication) localReplications.delete(path);
      unregister();
      rmSync(configDir, { recursive: true, force: true });
      throw error;
    }
  }

  get state(): ReplicationState {
    return this.currentState;
  }

  /**
   * The lag now: an upper bound on the age of the oldest commit the replica does not hold yet, in
   * ms. Every commit older than this is on the replica; up to date, it reads at most one poll.
   */
  get lagMs(): number {
    return this.tracker.lagMs(performance.now());
  }

  /** The process group of Litestream and its watchdog, while one runs. */
  get processGroup(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /**
   * Resolves once the replica holds every commit made before the call: Litestream has shipped
   * the file's state since it started, and after a poll of the WAL that began later, no commit
   * seen is still waiting. Rejects after `timeoutMs`.
   */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const after = this.polls;
    const deadline = performance.now() + timeoutMs;
    while (this.polls <= after || this.tracker.pendingCount > 0 || !this.settled()) {
      if (this.currentState === 'stopped') {
        throw new ReplicationError(`the replication of ${this.path} was stopped`);
      }
      if (performance.now() > deadline) {
        throw new ReplicationError(
          `the replica of ${this.path} did not catch up within ${Math.round(timeoutMs / 1000)} s (lag ${Math.round(this.lagMs)} ms)`,
        );
      }
      await sleep(10);
    }
  }

  /**
   * The replica holds the file as of Litestream's start: it has written a WAL segment
   * since, or it carried on an existing generation and, a second on, had shipped nothing and
   * reported no error.
   */
  private settled(): boolean {
    if (this.currentState !== 'running') return false;
    if (this.shippedSinceLaunch) return true;
    const interval = this.options.monitorIntervalMs ?? DEFAULT_MONITOR_INTERVAL_MS;
    const waited = performance.now() - this.launchedAt;
    if (!this.continuing || this.failedSinceLaunch || waited < Math.max(3 * interval, 1000)) {
      return false;
    }
    // Litestream carried on its generation and found nothing to ship: the commits already in
    // the WAL when it started were on the replica.
    this.tracker.dropSeenBefore(this.launchedAt);
    return true;
  }

  /** Stops Litestream gracefully (it ships what it has), then cleans up. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.currentState = 'stopped';
      clearInterval(this.poller);
      clearTimeout(this.restartTimer);
      await this.transition;
      await this.terminate();
      localReplications.delete(this.path);
      this.unregister();
      rmSync(this.configDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  /** Stops Litestream until resume(): a restore of the file is about to replace it. */
  pause(requester: number): Promise<void> {
    return this.serialize(async () => {
      if (this.currentState === 'stopped' || this.currentState === 'paused') return;
      clearTimeout(this.restartTimer);
      this.currentState = 'paused';
      this.pauseBy = requester;
      await this.terminate();
      this.tracker.reset();
      this.reader = new WalCommitReader(`${this.path}-wal`);
      if (requester !== process.pid) markPaused(this.path, true);
      this.emit('paused', { requester });
    });
  }

  resume(): Promise<void> {
    return this.serialize(async () => {
      if (this.currentState !== 'paused') return;
      this.pauseBy = undefined;
      markPaused(this.path, false);
      this.currentState = 'starting';
      this.emit('resumed');
      this.observeWal();
      try {
        await this.launch();
      } catch (error) {
        this.report(error as Error);
        this.scheduleRestart();
      }
    });
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step, step);
    return this.transition;
  }

  private launch(): Promise<void> {
    this.launchedAt = performance.now();
    this.continuing = existsSync(join(litestreamMetaDir(this.path), 'generation'));
    this.shippedSinceLaunch = false;
    this.failedSinceLaunch = false;
    const child = spawn(
      '/bin/sh',
      ['-c', WATCHDOG, this.binary, 'replicate', '-config', this.configPath, '-no-expand-env'],
      { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: this.options.env ?? process.env },
    );
    this.child = child;
    const { pid } = child;
    // No pid: the spawn failed, and the child's 'error' event (next tick) says why.
    if (pid === undefined) return new Promise((_, rejectStart) => child.once('error', rejectStart));
    const stderr: string[] = [];
    let lastError: string | undefined;
    return new Promise<void>((resolveStart, rejectStart) => {
      let started = false;
      createInterface({ input: child.stdout }).on('line', (text) => {
        const line = parseLogLine(text);
        if (!line) return;
        if (line.level === 'ERROR') lastError = errorText(line);
        if (!started && line.msg === 'replicating to') {
          started = true;
          // A stop() that came while it started (a signal just after a resume) stands: stop()
          // terminates this Litestream once the start settles, and it must not count as running
          // then, or its exit would read as unexpected and start another.
          if (this.currentState !== 'stopped') {
            this.currentState = 'running';
            this.emit('started', { pid });
          }
          resolveStart();
        }
        if (started) this.onLog(line);
      });
      createInterface({ input: child.stderr }).on('line', (text) => {
        stderr.push(text);
        if (stderr.length > 20) stderr.shift();
      });
      child.once('error', (error) => {
        if (!started) rejectStart(error);
      });
      child.once('exit', (code, signal) => {
        const expected = this.currentState === 'stopped' || this.currentState === 'paused';
        if (!started) {
          const why = lastError ?? stderr.filter((l) => l.trim() !== '').at(-1);
          rejectStart(
            new ReplicationError(
              `litestream exited (${signal ?? `code ${code}`}) before replicating ${this.path}${why ? `: ${why}` : ''}`,
            ),
          );
          return;
        }
        this.emit('exit', { code, signal, expected });
        if (expected) return;
        this.report(
          new ReplicationError(
            `litestream exited unexpectedly (${signal ?? `code ${code}`})${lastError ? `: ${lastError}` : ''}`,
          ),
        );
        this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    if (this.options.restart === false || this.currentState === 'stopped') {
      if (this.currentState !== 'stopped' && this.currentState !== 'paused') {
        this.currentState = 'restarting';
      }
      return;
    }
    if (this.currentState === 'paused') return;
    this.currentState = 'restarting';
    const delay = Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** this.failures++);
    this.restartTimer = setTimeout(() => {
      void this.serialize(async () => {
        if (this.currentState !== 'restarting') return;
        try {
          await this.launch();
          this.failures = 0;
        } catch (error) {
          this.report(error as Error);
          this.scheduleRestart();
        }
      });
    }, delay);
  }

  /** Starts Litestream again after it died (with `restart: false`, the caller decides when). */
  async restart(): Promise<void> {
    await this.serialize(async () => {
      if (this.currentState !== 'restarting') return;
      clearTimeout(this.restartTimer);
      await this.launch();
    });
  }

  /** SIGTERM to the watchdog, which passes it on; SIGKILL to the group if it hangs. */
  private async terminate(): Promise<void> {
    const child = this.child;
    // No pid: it never started, and will not exit.
    const pid = child?.pid;
    if (!child || pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    // The shell is gone once Litestream is; its stdin watcher may not be yet. stop() resolves
    // when the whole group is gone (reaped), so a caller can count on no process being left.
    const group = -pid;
    for (let wait = 0; wait < 100 && groupAlive(group); wait++) {
      if (wait === 0) process.kill(group, 'SIGKILL');
      await sleep(20);
    }
  }

  private onLog(line: LitestreamLogLine): void {
    const now = performance.now();
    const position = parsePosition(line.fields.position);
    if (line.level === 'ERROR') {
      this.failedSinceLaunch = true;
      this.report(new ReplicationError(errorText(line)));
    } else if (line.msg === 'sync: new generation' && typeof line.fields.generation === 'string') {
      this.generation = line.fields.generation;
      this.continuing = false;
      this.emit('generation', {
        generation: line.fields.generation,
        reason: typeof line.fields.reason === 'string' ? line.fields.reason : '',
      });
    } else if (
      position &&
      (line.msg === 'wal segment written' || line.msg === 'snapshot written')
    ) {
      this.generation = position.generation;
      const bytes = Number(line.fields.sz ?? 0);
      const snapshot = line.msg === 'snapshot written';
      // A segment covers [offset, offset + size) of its WAL index. A snapshot confirms nothing: it
      // is a copy of the database file taken between checkpoints, which a restore completes with
      // that WAL index from its start; until a segment of it is written, a replicator killed now
      // leaves a replica whose newest generation cannot be restored.
      const end = snapshot ? position : { ...position, offset: position.offset + bytes };
      const confirmed = snapshot ? undefined : this.tracker.confirm(end, now);
      if (!snapshot) this.shippedSinceLaunch = true;
      this.emit(snapshot ? 'snapshot' : 'replicated', {
        position: end,
        bytes,
        lagMs: confirmed?.lagMs,
        commits: confirmed?.commits ?? 0,
        lagsMs: confirmed?.lagsMs ?? [],
      });
    }
  }

  /** Errors go to listeners only; none while Litestream is being stopped (its shutdown noise). */
  private report(error: Error): void {
    if (this.currentState === 'stopped' || this.currentState === 'paused') return;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private observeWal(now = performance.now()): void {
    this.tracker.observe(this.reader.read(), now);
  }

  private startPolling(): void {
    const interval = this.options.pollIntervalMs ?? 25;
    const lagEvery = this.options.lagEventIntervalMs ?? 1000;
    this.poller = setInterval(() => {
      const now = performance.now();
      if (this.currentState !== 'paused' && this.currentState !== 'stopped') {
        this.observeWal(now);
        this.polls++;
        if (!this.shippedSinceLaunch) this.settled();
        if (this.generation) this.shadow.learn(this.generation);
        const request = pauseRequest(this.path);
        if (request && request.pid !== process.pid && !this.switching) {
          this.switching = true;
          void this.pause(request.pid).finally(() => (this.switching = false));
        }
      } else if (
        this.currentState === 'paused' &&
        this.pauseBy !== process.pid &&
        !this.switching &&
        !pauseRequest(this.path)
      ) {
        this.switching = true;
        void this.resume().finally(() => (this.switching = false));
      }
      if (now - this.lastLagEvent >= lagEvery && this.currentState !== 'stopped') {
        this.lastLagEvent = now;
        this.emit('lag', { lagMs: this.tracker.lagMs(now) });
      }
    }, interval);
  }
}

/** Starts continuous replication of a database file (see Replication). */
export function startReplication(options: ReplicationOptions): Promise<Replication> {
  return Replication.start(options);
}
