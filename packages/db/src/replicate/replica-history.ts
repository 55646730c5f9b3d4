import { runLitestream } from './litestream-command.ts';
import type { LitestreamSettings } from './litestream-config.ts';
import { ReplicationError } from './coordination.ts';

/** One generation of a replica: a continuous history from a snapshot on, restorable at any time in it. */
export interface ReplicaGeneration {
  generation: string;
  /** Its earliest snapshot or WAL segment (Litestream prints whole seconds). */
  start: Date;
  /** Its latest WAL segment or snapshot: the newest state it can restore. */
  end: Date;
  /** How far it trails the database file's last change, as Litestream words it (`1.2s`); undefined without a local file. */
  lag: string | undefined;
}

export interface ReplicaSnapshot {
  generation: string;
  index: number;
  bytes: number;
  createdAt: Date;
}

export interface ReplicaHistory {
  /** Oldest first. */
  generations: ReplicaGeneration[];
  snapshots: ReplicaSnapshot[];
}

type HistorySettings = LitestreamSettings & { env?: NodeJS.ProcessEnv; hasLocalFile: boolean };

const rows = (stdout: string) =>
  stdout
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cells) => cells.length > 1);

/**
 * What a replica holds for a database: its generations with the time range each can restore,
 * and its snapshots, read with `litestream generations` and `litestream snapshots`.
 */
export async function replicaHistory(settings: HistorySettings): Promise<ReplicaHistory> {
  const options = { ...settings, standIn: true };
  const generations = await runLitestream('generations', [], options);
  if (generations.error) {
    throw new ReplicationError(
      `cannot list the replica ${settings.target.display}: ${generations.error}`,
    );
  }
  const snapshots = await runLitestream('snapshots', [], options);
  if (snapshots.error) {
    throw new ReplicationError(
      `cannot list the snapshots of ${settings.target.display}: ${snapshots.error}`,
    );
  }
  return {
    generations: rows(generations.stdout)
      // A line short of cells would give invalid dates (and an empty generation).
      .map(([, generation = '', lag, start = '', end = '']) => ({
        generation,
        start: new Date(start),
        end: new Date(end),
        lag: settings.hasLocalFile ? lag : undefined,
      }))
      .sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime()),
    snapshots: rows(snapshots.stdout)
      .map(([, generation = '', index, size, created = '']) => ({
        generation,
        index: Number(index),
        bytes: Number(size),
        createdAt: new Date(created),
      }))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
  };
}
