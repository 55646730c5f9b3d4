import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplicaTarget } from './replica-target.ts';

/** How often Litestream looks at the WAL, and how often its replica may sync: this governs lag. */
export const DEFAULT_MONITOR_INTERVAL_MS = 100;

export interface LitestreamSettings {
  /** The database file (absolute). */
  databasePath: string;
  target: ReplicaTarget;
  monitorIntervalMs?: number;
  /** Private key for an sftp:// replica (Litestream reads no key from the environment). */
  sftpKeyPath?: string;
  /**
   * How long the replica keeps history (snapshots and WAL): the point-in-time restore window.
   * Litestream's default is 24 h; it snapshots again as older history is dropped.
   */
  retentionMs?: number;
}

/** The replica's name in Litestream's configuration and logs. */
export const REPLICA_NAME = 'replica';

/**
 * Litestream's configuration for one database and one replica, as an object (written as JSON,
 * which Litestream's YAML reader accepts). Logs are JSON lines on stdout, so each event can be read.
 * The database-level `monitor-interval` and the replica's `sync-interval` get the same value: the
 * first decides how soon a commit reaches the shadow WAL, the second how soon it is shipped.
 */
export function litestreamConfig(settings: LitestreamSettings): Record<string, unknown> {
  const interval = `${settings.monitorIntervalMs ?? DEFAULT_MONITOR_INTERVAL_MS}ms`;
  const { target } = settings;
  const replica: Record<string, unknown> = {
    name: REPLICA_NAME,
    ...(target.type === 'file' ? { type: 'file', path: target.path } : { url: target.url }),
    'sync-interval': interval,
    ...(settings.sftpKeyPath && { 'key-path': settings.sftpKeyPath }),
    ...(settings.retentionMs && { retention: `${settings.retentionMs}ms` }),
  };
  return {
    logging: { type: 'json', level: 'info', stderr: false },
    dbs: [{ path: settings.databasePath, 'monitor-interval': interval, replicas: [replica] }],
  };
}

/**
 * Writes the configuration into `dir` (a private temporary folder) as `litestream.yml`, 0600: an
 * sftp password given in the URL ends up in it. Litestream is run with `-no-expand-env`, so a `$`
 * in a path is never read as a variable.
 */
export function writeLitestreamConfig(dir: string, settings: LitestreamSettings): string {
  const path = join(dir, 'litestream.yml');
  writeFileSync(path, `${JSON.stringify(litestreamConfig(settings), null, 2)}\n`, {
    mode: 0o600,
  });
  return path;
}
