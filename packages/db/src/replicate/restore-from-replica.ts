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
import { parseLogLine } from './litestream-log.ts';
import { parseReplicaTarget, type ReplicaTarget } from './replica-target.ts';
import { generationsNewestFirst, replicaHistory } from './replica-history.ts';

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

/** A newer state of the replica the restore did not use, and why. */
export interface PassedOverState {
  generation: string;
  reason: string;
}

export interface ReplicaRestoreReport extends RestoreReport {
  /** The replica, password masked. */
  from: string;
  at: Date | undefined;
  /** The generation the restored state comes from. */
  generation: string;
  /**
   * Newer generations that held no restorable state (newest first): the restore fell back to an
   * older one. Empty when the replica's newest state (at `at`) was restored.
   */
  passedOver: PassedOverState[];
}

/**
 * Restores a database from its Litestream replica, to a point in time or the latest state:
 * `litestream restore -o` writes the state into a private folder beside the database, then the
 * verified restore (restoreDatabase) checks it like any backup (integrity, migration history of
 * that database, row counts), keeps the current file aside and installs it. The replication of
 * the file, if one runs, is paused meanwhile and resumes on a new generation.
 *
 * The newest generation may hold no restorable state: a replicator killed right after uploading
 * a new generation's snapshot leaves that snapshot without the WAL that completes it (it is a copy
 * of the database file taken between checkpoints, and restore applies that WAL to it), and
 * Litestream would restore the bare copy. Such a generation, or one whose state is refused as
 * corrupt, is passed over for the next older one, logged and listed in the report.
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
  const at = options.at ? ['-timestamp', options.at.toISOString()] : [];
  const asOf = options.at ? ` as of ${options.at.toISOString()}` : '';
  const passedOver: PassedOverState[] = [];
  try {
    options.log?.(`restoring ${target.display}${asOf}`);
    // Litestream's own choice first (the generation with the latest data); the others, newest
    // first, only when that one holds no restorable state.
    let others: string[] | undefined;
    const tried = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      let generation: string | undefined;
      if (attempt > 0) {
        others ??= await generationsNewestFirst(settings);
        generation = others.find((g) => !tried.has(g));
        if (generation === undefined) {
          throw new RestoreRefusedError(
            `${target.display} holds no restorable state of the database${asOf}: ${passedOver.map((p) => `generation ${p.generation} ${p.reason}`).join('; ')}`,
          );
        }
        tried.add(generation);
      }
      const out = join(scratch, `${attempt}-${basename(databasePath)}`);
      const chosen = generation ? ['-generation', generation] : [];
      const run = await runLitestream('restore', ['-o', out, ...chosen, ...at], settings);
      if (run.error) {
        if (!/no matching backups found/.test(run.error)) {
          throw new RestoreRefusedError(`cannot restore from ${target.display}: ${run.error}`);
        }
        if (generation === undefined) {
          throw new RestoreRefusedError(await nothingToRestore(target, options.at, settings));
        }
        continue; // that generation holds nothing at `at`: an older one may
      }
      const restored = readRestoreLog(run.stdout);
      generation ??= restored.generation;
      tried.add(generation);
      let refusal: string;
      if (restored.snapshotOnly) {
        refusal =
          'holds a snapshot without the WAL that completes it (its replicator stopped between the two uploads)';
      } else {
        try {
          const report = await withReplicationPaused(
            databasePath,
            () => restoreDatabase(name, databasePath, out, options.now),
            { log: options.log },
          );
          return { ...report, from: target.display, at: options.at, generation, passedOver };
        } catch (error) {
          if (!(error instanceof RestoreRefusedError) || !error.corrupt) throw error;
          refusal = error.message.replace(`${out}: `, '');
        }
      }
      passedOver.push({ generation, reason: refusal });
      options.log?.(
        `generation ${generation} of ${target.display}${asOf} ${refusal}: trying the one before it`,
      );
      rmSync(out, { force: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The generation `litestream restore` chose, and whether it had only a snapshot to write. */
function readRestoreLog(stdout: string): { generation: string; snapshotOnly: boolean } {
  let generation = '';
  let snapshotOnly = false;
  for (const text of stdout.split('\n')) {
    const line = parseLogLine(text);
    if (line?.msg === 'restoring snapshot' && typeof line.fields.generation === 'string') {
      generation = line.fields.generation;
    }
    if (line?.msg === 'snapshot only, finalizing database') snapshotOnly = true;
  }
  return { generation, snapshotOnly };
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
