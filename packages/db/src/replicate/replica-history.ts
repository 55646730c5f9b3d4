import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A Go duration as Litestream prints it (`5s`, `1.8s`, `850ms`, `1m5s`, `-1.2s`), in ms. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^(-?)((?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+)$/.exec(text);
  if (!match) return undefined;
  const unit: Record<string, number> = {
    h: 3.6e6,
    m: 6e4,
    s: 1e3,
    ms: 1,
    us: 1e-3,
    µs: 1e-3,
    ns: 1e-6,
  };
  let ms = 0;
  const [, sign, parts = ''] = match;
  for (const [, value = '', name = ''] of parts.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    ms += Number(value) * (unit[name] ?? 0);
  }
  return sign === '-' ? -ms : ms;
}

/**
 * The replica's generations, the one with the latest data first. Litestream prints their ends in
 * whole seconds, and generations started by a replicator crashing and restarting can end within
 * one; its lag column (the age of each end, to 1 ms under a second and to 0.1 s under ten) orders
 * those. The lag is measured against a stand-in file made now, so recent ends get the finest one.
 */
export async function generationsNewestFirst(
  settings: Omit<HistorySettings, 'hasLocalFile'>,
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'agentstate-generations-'));
  try {
    const listed = await runLitestream('generations', [], {
      ...settings,
      databasePath: join(dir, 'now.db'),
      standIn: true,
    });
    if (listed.error) {
      throw new ReplicationError(
        `cannot list the replica ${settings.target.display}: ${listed.error}`,
      );
    }
    return rows(listed.stdout)
      .map(([, generation = '', lag = '', , end = '']) => ({
        generation,
        end: new Date(end).getTime(),
        age: parseGoDuration(lag) ?? Number.POSITIVE_INFINITY,
      }))
      .sort((a, b) => b.end - a.end || a.age - b.age)
      .map((g) => g.generation);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
