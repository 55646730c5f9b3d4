import { existsSync, statSync } from 'node:fs';
import { backupPathFor, createBackup, defaultBackupDir } from '../backup/backup.ts';
import type { DatabaseName } from '../database-names.ts';
import { openConnection } from '../open/open-database.ts';
import { isReplicatorAttached } from '../replicate/coordination.ts';
import { checkpointWithoutBlocking, type CheckpointResult } from './checkpoint.ts';
import { noRuleReasons, pruneRules, type PruneStep } from './prune-rules.ts';

export interface PruneOptions {
  /** Remove rows older than this many ms (default: the database's rule). */
  olderThanMs?: number;
  /** Count only; change nothing. */
  dryRun?: boolean;
  /** VACUUM after pruning, to give the freed pages back to the file system. */
  vacuum?: boolean;
  /** Where the pre-prune backup goes (default: `backups/` beside the database). */
  backupDir?: string;
  now?: Date;
  /** Progress lines, e.g. "checkpointing the WAL". */
  log?: (line: string) => void;
}

export interface PruneStepResult {
  table: string;
  what: string;
  action: 'delete' | 'update';
  rows: number;
}

export interface PruneReport {
  /** Undefined when the database has no retention rule. */
  cutoff: Date | undefined;
  /** Why nothing is pruned when there is no rule. */
  noRule?: string;
  steps: PruneStepResult[];
  dryRun: boolean;
  backupPath?: string;
  bytesBefore: number;
  bytesAfter: number;
  vacuumed: boolean;
  /** The final checkpoint; undefined for a dry run. */
  checkpoint?: CheckpointResult;
}

const fileBytes = (path: string) =>
  ['', '-wal'].reduce((sum, s) => sum + (existsSync(path + s) ? statSync(path + s).size : 0), 0);

/**
 * Applies a database's retention rule. All steps run in one BEGIN IMMEDIATE transaction, after a
 * backup (only when something will be removed); then the WAL is checkpointed without stalling
 * writers (PASSIVE only while a replicator is attached, else truncated when nothing reads it), and
 * the file optionally vacuumed. A dry run reports the same counts and writes nothing.
 */
export async function pruneDatabase(
  name: DatabaseName,
  path: string,
  options: PruneOptions = {},
): Promise<PruneReport> {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const log = options.log ?? (() => {});
  const rule = pruneRules[name];
  const dryRun = options.dryRun ?? false;
  const sqlite = openConnection(path, { readonly: dryRun });
  const bytesBefore = fileBytes(path);
  try {
    const report: PruneReport = {
      cutoff: undefined,
      steps: [],
      dryRun,
      bytesBefore,
      bytesAfter: bytesBefore,
      vacuumed: false,
    };
    if (!rule) report.noRule = noRuleReasons[name];
    else {
      const now = options.now ?? new Date();
      const cutoff = new Date(now.getTime() - (options.olderThanMs ?? rule.defaultOlderThanMs));
      report.cutoff = cutoff;
      const bound = {
        cutoff: rule.cutoff === 'iso' ? cutoff.toISOString() : Math.floor(cutoff.getTime() / 1000),
      };
      const result = (step: PruneStep, rows: number): PruneStepResult => ({
        table: step.table,
        what: step.what,
        action: step.set ? 'update' : 'delete',
        rows,
      });
      // Counted in one read snapshot, so a dry run reports one consistent picture.
      report.steps = sqlite.transaction(() =>
        rule.steps.map((step) =>
          result(
            step,
            sqlite
              .prepare(`SELECT count(*) FROM "${step.table}" WHERE ${step.where}`)
              .pluck()
              .get(bound) as number,
          ),
        ),
      )();
      if (dryRun) return report;
      if (report.steps.some((step) => step.rows > 0)) {
        report.backupPath = backupPathFor(
          path,
          options.backupDir ?? defaultBackupDir(path),
          'before-prune',
          now,
        );
        log(`backing up to ${report.backupPath}`);
        await createBackup(sqlite, report.backupPath);
        log('pruning');
        report.steps = sqlite
          .transaction(() =>
            rule.steps.map((step) => {
              const sql = step.set
                ? `UPDATE "${step.table}" SET ${step.set} WHERE ${step.where}`
                : `DELETE FROM "${step.table}" WHERE ${step.where}`;
              return result(step, sqlite.prepare(sql).run(bound).changes);
            }),
          )
          .immediate();
      }
    }
    if (dryRun) return report;
    log('checkpointing the WAL');
    const truncate = !isReplicatorAttached(path);
    report.checkpoint = checkpointWithoutBlocking(sqlite, { truncate });
    if (options.vacuum) {
      log('vacuuming');
      sqlite.exec('VACUUM');
      report.checkpoint = checkpointWithoutBlocking(sqlite, { truncate });
      report.vacuumed = true;
    }
    report.bytesAfter = fileBytes(path);
    return report;
  } finally {
    sqlite.close();
  }
}
