import type { LibsqlHandle } from '../driver/libsql.ts';
import type { Runner, RunnerMode } from '../driver/operation.ts';
import { syncRunner } from '../driver/sync-runner.ts';
import type { BackoffOptions } from './shared/backoff.ts';
import { isLibsql, sqliteOf, type DriverTarget } from './shared/connection.ts';
import { constraintError, constraintErrorFromText } from './shared/constraints.ts';
import { systemClock, type Clock } from './shared/time.ts';
import { queueChannel } from './shared/wakeups.ts';
import {
  createEngineWorkerQueue,
  engineQueueTable,
  type EngineWorkerQueue,
} from './engine/queue.ts';
import {
  createPokecodeQueue,
  pokecodeQueueTable,
  type PokecodeQueue,
  type PokecodeQueueOptions,
} from './pokecode/queue.ts';

/** A queue's database: a synchronous handle or connection, or a libSQL handle. */
export type QueueTarget = DriverTarget;
type ModeOf<T extends QueueTarget> = T extends LibsqlHandle ? 'async' : 'sync';

export interface QueueOptions extends PokecodeQueueOptions {
  clock?: Clock;
  backoff?: BackoffOptions;
}

/**
 * The runner of a target. A libSQL embedded replica (`syncUrl`) is refused: Turso's offline-first
 * sync replays rows by primary key and the last push wins, so a claim would succeed on both
 * replicas and a lease would fence nothing.
 */
function runnerOf(target: QueueTarget, table: string): Runner<RunnerMode> {
  if (!isLibsql(target)) return syncRunner(sqliteOf(target));
  if (target.replica) throw replicaQueueError(table, target.url);
  return target.runner;
}

/** Why a queue refuses a libSQL sync replica (`createQueue`, a client's `jobs` or `workers`). */
export function replicaQueueError(table: string, url: string): TypeError {
  return new TypeError(
    `${table}: a queue cannot run on a libSQL sync replica (${url}): replicas merge ` +
      'by last push, so a job would be claimed on both; open the primary (url without syncUrl)',
  );
}

/**
 * A database's leased queue on any driver: pokecode's `job_queue` or engine's `workers`. On
 * better-sqlite3 and bun:sqlite its operations return values; on libSQL, promises (code that
 * awaits works on all three).
 */
type PokecodeName = typeof pokecodeQueueTable.database;
type EngineName = typeof engineQueueTable.database;

export function createQueue<T extends QueueTarget>(
  name: PokecodeName,
  target: T,
  options?: QueueOptions,
): PokecodeQueue<ModeOf<T>>;
export function createQueue<T extends QueueTarget>(
  name: EngineName,
  target: T,
  options?: QueueOptions,
): EngineWorkerQueue<ModeOf<T>>;
export function createQueue(
  name: PokecodeName | EngineName,
  target: QueueTarget,
  options: QueueOptions = {},
): PokecodeQueue<RunnerMode> | EngineWorkerQueue<RunnerMode> {
  const isPokecode = name === pokecodeQueueTable.database;
  const { table } = isPokecode ? pokecodeQueueTable : engineQueueTable;
  const runner = runnerOf(target, table);
  const clock = options.clock ?? systemClock;
  // Constraint errors are explained from the live schema where the connection can be read at
  // once, from the error text on libSQL.
  const explain = isLibsql(target)
    ? (error: unknown, values: Record<string, unknown>) =>
        constraintErrorFromText(table, values, error)
    : (error: unknown, values: Record<string, unknown>) =>
        constraintError(sqliteOf(target), table, values, error);
  const channel = queueChannel(isLibsql(target) ? target : sqliteOf(target), table);
  return isPokecode
    ? createPokecodeQueue(runner, clock, options, explain, channel)
    : createEngineWorkerQueue(runner, clock, options.backoff, explain, channel);
}
