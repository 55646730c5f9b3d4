import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DatabaseName } from '../database-names.ts';
import {
  restoreDatabase,
  RestoreRefusedError,
  type RestoreReport,
} from '../maintenance/restore-database.ts';
import { withReplicationPaused } from './coordination.ts';
import { runLitestream } from './litestream-command.ts';
import { parseReplicaTarget, type ReplicaTarget } from './replica-target.ts';
import { replicaHistory } from './replica-history.ts';

export interface ReplicaRestoreOptions {
  /** The replica: a folder or a URL, as given to replication. */
  from: string | ReplicaTarget;
  /** Restore the state at this time (point in time); default the latest the replica holds. */
  at?: Date;
  /** Where a relative folder resolves from. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  sftpKeyPath?: string;
  now?: Date;
  log?: (line: string) => void;
}

export interface ReplicaRestoreReport extends RestoreReport {
  /** The replica, password masked. */
  from: string;
  at: Date | undefined;
}

/**
 * Restores a database from its Litestream replica, to a point in time or the latest state:
 * `litestream restore -o` writes the state into a private folder beside the database, then the
 * verified restore (restoreDatabase) checks it like any backup (integrity, migration history of
 * that database, row counts), keeps the current file aside and installs it. The replication of
 * the file, if one runs, is paused meanwhile and resumes on a new generation.
 */
export async function restoreFromReplica(
  name: DatabaseName,
  databasePath: string,
  options: ReplicaRestoreOptions,
): Promise<ReplicaRestoreReport> {
  const target =
    typeof options.from === 'string' ? parseReplicaTarget(options.from, options.cwd) : options.from;
  const settings = { databasePath, target, env: options.env, sftpKeyPath: options.sftpKeyPath };
  const dir = dirname(databasePath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const scratch = mkdtempSync(join(dir, `.${basename(databasePath)}.from-replica-`));
  try {
    const out = join(scratch, basename(databasePath));
    const at = options.at ? ['-timestamp', options.at.toISOString()] : [];
    options.log?.(
      `restoring ${target.display}${options.at ? ` as of ${options.at.toISOString()}` : ''}`,
    );
    const run = await runLitestream('restore', ['-o', out, ...at], settings);
    if (run.error) {
      if (!/no matching backups found/.test(run.error)) {
        throw new RestoreRefusedError(`cannot restore from ${target.display}: ${run.error}`);
      }
      throw new RestoreRefusedError(await nothingToRestore(target, options.at, settings));
    }
    const report = await withReplicationPaused(
      databasePath,
      () => restoreDatabase(name, databasePath, out, options.now),
      { log: options.log },
    );
    return { ...report, from: target.display, at: options.at };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Why the replica had nothing to restore, with the time ranges it does hold. */
async function nothingToRestore(
  target: ReplicaTarget,
  at: Date | undefined,
  settings: Parameters<typeof runLitestream>[2],
): Promise<string> {
  const { generations } = await replicaHistory({ ...settings, hasLocalFile: false });
  const held =
    generations.length === 0
      ? 'it holds no generation of this database'
      : `it holds ${generations.map((g) => `${g.start.toISOString()} – ${g.end.toISOString()} (generation ${g.generation})`).join(', ')}`;
  return at
    ? `${target.display} has no state of the database at ${at.toISOString()}: ${held}`
    : `${target.display} holds no backup of the database: ${held}`;
}
