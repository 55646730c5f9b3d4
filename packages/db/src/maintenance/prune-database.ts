import type { SqliteConnection } from '../driver/types.ts';
import { existsSync, statSync } from 'node:fs';
import { localTimestamps } from '@agentstate/schema';
import { backupPathFor, createBackup, defaultBackupDir } from '../backup/backup.ts';
import type { DatabaseName } from '../database-names.ts';
import { openConnection } from '../open/open-database.ts';
import { readDatabaseFile } from '../open/read-only.ts';
import { definitionOf, type Retention, type RetentionStep } from '@agentstate/schema';
import { isReplicatorAttached } from '../replicate/coordination.ts';
import { checkpointWithoutBlocking, type CheckpointResult } from './checkpoint.ts';

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
  /**
   * The zone of the text a tool writes in local time with no zone (DiPeO's `started_at`): an IANA
   * name, default the process's (TZ), as the client reads it.
   */
  timeZone?: string;
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
 * Applies a database's retention rule. The rows to remove are counted first through a read-only
 * connection that leaves nothing beside the file (a damaged table is found then, before anything
 * is written); a dry run stops there. Otherwise all steps run in one BEGIN IMMEDIATE transaction,
 * after a backup (only when something will be removed); then the WAL is checkpointed without
 * stalling writers (PASSIVE only while a replicator is attached, else truncated when nothing
 * reads it), and the file optionally vacuumed.
 */
export async function pruneDatabase(
  name: DatabaseName,
  path: string,
  options: PruneOptions = {},
): Promise<PruneReport> {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const plan = prunePlan(name, options);
  const counted = await readDatabaseFile(path, (sqlite) => countRows(sqlite, path, plan, options));
  if (counted.dryRun) return counted;
  const sqlite = openConnection(path);
  try {
    return await prune(sqlite, path, plan, counted, options);
  } finally {
    sqlite.close();
  }
}

interface PrunePlan {
  rule: Exclude<Retention, { none: string }> | undefined;
  noRule: string | undefined;
  now: Date;
  cutoff: Date | undefined;
  bound: { cutoff: string | number; local_cutoff: string };
}

function prunePlan(name: DatabaseName, options: PruneOptions): PrunePlan {
  const retention: Retention = definitionOf(name).retention;
  const rule = 'none' in retention ? undefined : retention;
  const now = options.now ?? new Date();
  if (!rule)
    return {
      rule,
      noRule: 'none' in retention ? retention.none : undefined,
      now,
      cutoff: undefined,
      bound: { cutoff: 0, local_cutoff: '' },
    };
  const cutoff = new Date(now.getTime() - (options.olderThanMs ?? rule.defaultOlderThanMs));
  if (Number.isNaN(cutoff.getTime())) {
    throw new RangeError(`olderThanMs ${options.olderThanMs} reaches before any date`);
  }
  const bound = {
    cutoff: rule.cutoff === 'iso' ? cutoff.toISOString() : Math.floor(cutoff.getTime() / 1000),
    local_cutoff: localTimestamps(options.timeZone).format(cutoff.getTime()),
  };
  return { rule, noRule: undefined, now, cutoff, bound };
}

const result = (step: RetentionStep, rows: number): PruneStepResult => ({
  table: step.table,
  what: step.what,
  action: step.set ? 'update' : 'delete',
  rows,
});

/** The report of a dry run: what each step would remove, counted in one read snapshot. */
function countRows(
  sqlite: SqliteConnection,
  path: string,
  plan: PrunePlan,
  options: PruneOptions,
): PruneReport {
  const bytesBefore = fileBytes(path);
  const report: PruneReport = {
    cutoff: plan.cutoff,
    steps: [],
    dryRun: options.dryRun ?? false,
    bytesBefore,
    bytesAfter: bytesBefore,
    vacuumed: false,
  };
  if (plan.noRule !== undefined) report.noRule = plan.noRule;
  if (!plan.rule) return report;
  const steps = plan.rule.steps;
  report.steps = sqlite.transaction(() =>
    steps.map((step) =>
      result(
        step,
        sqlite
          .prepare(`SELECT count(*) FROM "${step.table}" WHERE ${step.where}`)
          .pluck()
          .get(plan.bound) as number,
      ),
    ),
  )();
  return report;
}

async function prune(
  sqlite: SqliteConnection,
  path: string,
  plan: PrunePlan,
  counted: PruneReport,
  options: PruneOptions,
): Promise<PruneReport> {
  const log = options.log ?? (() => {});
  const report: PruneReport = { ...counted };
  const { rule } = plan;
  if (rule && report.steps.some((step) => step.rows > 0)) {
    report.backupPath = backupPathFor(
      path,
      options.backupDir ?? defaultBackupDir(path),
      'before-prune',
      plan.now,
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
          return result(step, sqlite.prepare(sql).run(plan.bound).changes);
        }),
      )
      .immediate();
  }
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
}
