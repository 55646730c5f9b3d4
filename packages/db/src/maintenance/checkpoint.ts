import type { SqliteConnection } from '../driver/types.ts';

/**
 * How long a TRUNCATE checkpoint may wait. It waits holding the write lock (for readers to move
 * to the newest snapshot), so every writer waits with it: kept short, unlike the 5 s busy timeout
 * that a reader holding the WAL open for good (Litestream) would otherwise stall writers for.
 */
export const TRUNCATE_WAIT_MS = 100;

export interface CheckpointResult {
  /** Frames in the WAL before the checkpoint (-1: not in WAL mode). */
  walFrames: number;
  /** All of them are now in the database file. */
  complete: boolean;
  /** The WAL was also reset to zero bytes. */
  truncated: boolean;
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * Folds the WAL into the database file without stalling writers: a PASSIVE checkpoint (it never
 * waits, and copies what no reader still needs), then, when `truncate` and it left nothing behind,
 * a TRUNCATE that waits at most TRUNCATE_WAIT_MS. Pass `truncate: false` while a replicator
 * is attached: Litestream wants to be the one that restarts the WAL.
 */
export function checkpointWithoutBlocking(
  sqlite: SqliteConnection,
  { truncate = true }: { truncate?: boolean } = {},
): CheckpointResult {
  const [passive] = sqlite.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
  const walFrames = passive?.log ?? -1;
  const complete =
    passive !== undefined && passive.busy === 0 && passive.log === passive.checkpointed;
  if (!truncate || !complete || walFrames < 0) return { walFrames, complete, truncated: false };
  const previous = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma(`busy_timeout = ${TRUNCATE_WAIT_MS}`);
  try {
    const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as CheckpointRow[];
    return { walFrames, complete, truncated: result !== undefined && result.busy === 0 };
  } finally {
    sqlite.pragma(`busy_timeout = ${previous}`);
  }
}
