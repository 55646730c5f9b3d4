import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../process/alive.ts';
import { litestreamMetaDir } from './lag-tracker.ts';

/**
 * How a replicator and the maintenance commands of other processes find each other, through small
 * files in Litestream's folder beside the database (`.<file>-litestream/`):
 * - `agentstate-replicator.json`: the process replicating this file (one at a time: two
 *   Litestreams on one database would each checkpoint under the other);
 * - `agentstate-pause.json`: a restore asks that process to stop Litestream, and waits for
 * - `agentstate-paused.json`: its answer. Removing the request resumes replication, which then
 *   starts a new generation from the restored file.
 * A file whose process is gone counts as absent, so a killed process never blocks the next one.
 */

const REPLICATOR = 'agentstate-replicator.json';
const PAUSE_REQUEST = 'agentstate-pause.json';
const PAUSED = 'agentstate-paused.json';

/** Replication could not start, or another process's replication stands in the way. */
export class ReplicationError extends Error {
  override readonly name = 'ReplicationError';
}

export interface ReplicatorInfo {
  pid: number;
  /** The replica, password masked. */
  to: string;
  startedAt: string;
}

function readLive<T extends { pid: number }>(path: string): T | undefined {
  let value: T;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
  return Number.isInteger(value.pid) && isProcessAlive(value.pid) ? value : undefined;
}

const file = (databasePath: string, name: string) => join(litestreamMetaDir(databasePath), name);

/** The live process replicating this database file, if any. */
export function replicatorOf(databasePath: string): ReplicatorInfo | undefined {
  return readLive<ReplicatorInfo>(file(databasePath, REPLICATOR));
}

/** True while one of this project's replicators has Litestream attached to the file. */
export function isReplicatorAttached(databasePath: string): boolean {
  const replicator = replicatorOf(databasePath);
  return replicator !== undefined && readLive(file(databasePath, PAUSED)) === undefined;
}

/** Claims the file for this process; throws when another live process replicates it. */
export function registerReplicator(databasePath: string, to: string): () => void {
  mkdirSync(litestreamMetaDir(databasePath), { recursive: true, mode: 0o700 });
  const path = file(databasePath, REPLICATOR);
  const info: ReplicatorInfo = { pid: process.pid, to, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const other = replicatorOf(databasePath);
      if (other) {
        throw new ReplicationError(
          `${databasePath} is already replicated by process ${other.pid} (to ${other.to}); stop it first`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  return () => {
    if (readLive<ReplicatorInfo>(path)?.pid === process.pid) rmSync(path, { force: true });
    rmSync(file(databasePath, PAUSED), { force: true });
  };
}

/** The live process asking the replicator to pause, if any (read by the replicator). */
export function pauseRequest(databasePath: string): { pid: number } | undefined {
  return readLive(file(databasePath, PAUSE_REQUEST));
}

/** The replicator's answer: Litestream is stopped until the request goes. */
export function markPaused(databasePath: string, paused: boolean): void {
  const path = file(databasePath, PAUSED);
  if (paused) writeFileSync(path, JSON.stringify({ pid: process.pid }), { mode: 0o600 });
  else rmSync(path, { force: true });
}

/** Replications of this process, by database file: a restore in the same process pauses them directly. */
export const localReplications = new Map<
  string,
  { pause(requester: number): Promise<void>; resume(): Promise<void> }
>();

export interface PauseOptions {
  /** How long to wait for the replicator to stop Litestream (default 30 s: a final sync to S3). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * Runs `change` (a restore) with this file's replicator paused: Litestream holds a read
 * transaction and a connection to the file, and would go on replicating the file moved aside.
 * Without a replicator it just runs `change`. Replication resumes however `change` ends.
 */
export async function withReplicationPaused<T>(
  databasePath: string,
  change: () => T | Promise<T>,
  options: PauseOptions = {},
): Promise<T> {
  const replicator = replicatorOf(databasePath);
  if (!replicator) return change();
  if (replicator.pid === process.pid) {
    const local = localReplications.get(databasePath);
    if (!local) return change();
    await local.pause(process.pid);
    try {
      return await change();
    } finally {
      await local.resume();
    }
  }
  const request = file(databasePath, PAUSE_REQUEST);
  const other = pauseRequest(databasePath);
  if (other && other.pid !== process.pid) {
    throw new ReplicationError(
      `process ${other.pid} is already pausing the replication of ${databasePath}; retry when it is done`,
    );
  }
  options.log?.(`pausing the replication of process ${replicator.pid}`);
  writeFileSync(request, JSON.stringify({ pid: process.pid }), { mode: 0o600 });
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (readLive(file(databasePath, PAUSED))?.pid !== replicator.pid) {
      if (!isProcessAlive(replicator.pid)) break;
      if (Date.now() > deadline) {
        throw new ReplicationError(
          `the replication of ${databasePath} (process ${replicator.pid}) did not pause within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s; nothing was changed`,
        );
      }
      await sleep(20);
    }
    return await change();
  } finally {
    rmSync(request, { force: true });
  }
}
