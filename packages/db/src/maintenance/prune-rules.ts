import { dipeo, engine, pokecode } from '@agentstate/schema';
import { getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DatabaseName } from '../database-names.ts';
import { sqlStringList } from '../client/shared/sql.ts';

/** One statement of a rule: rows of `table` matching `where` are deleted, or `set` is applied. */
export interface PruneStep {
  table: string;
  /** What the rows are, e.g. `finished jobs`. */
  what: string;
  /**
   * SQL condition; `:cutoff` is bound to the cutoff (ISO text, or unix seconds where stated), and
   * `:local_cutoff` to it as local wall-clock text with no zone (see PruneOptions.timeZone).
   */
  where: string;
  /** An UPDATE's SET clause instead of a DELETE (clearing references to pruned rows). */
  set?: string;
}

export interface PruneRule {
  /** Default age beyond which rows go, in ms. */
  defaultOlderThanMs: number;
  /** How `:cutoff` is bound: ISO 8601 text, or unix seconds for integer timestamp columns. */
  cutoff: 'iso' | 'unix-seconds';
  description: string;
  /**
   * Steps run in order in one transaction. Each step's condition does not depend on earlier steps
   * having run, so a dry run (counting all steps first) reports exactly what a real run removes.
   */
  steps: PruneStep[];
}

const DAY = 86_400_000;
const t = (table: SQLiteTable) => `"${getTableName(table)}"`;
const c = (column: SQLiteColumn) => `"${column.name}"`;
/** Text timestamps in either format the tools wrote compare through julianday(). */
const olderThanCutoff = (column: SQLiteColumn) => `julianday(${c(column)}) < julianday(:cutoff)`;
/**
 * A column a tool writes in local wall time with no zone (DiPeO's isoformat()): such text is
 * compared with the cutoff as local text (`:local_cutoff`); text with a zone, or SQLite's
 * `YYYY-MM-DD HH:MM:SS` (UTC), with the UTC cutoff, as the client reads them.
 */
const localTextOlderThanCutoff = (column: SQLiteColumn) => {
  const x = c(column);
  const zoned = `${x} GLOB '*[Zz]' OR ${x} GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR ${x} GLOB '*[+-][0-9][0-9][0-9][0-9]'`;
  return `julianday(${x}) < julianday(CASE WHEN ${x} GLOB '*T*' AND NOT (${zoned}) THEN :local_cutoff ELSE :cutoff END)`;
};

const finishedJob = (() => {
  const j = pokecode.jobQueue;
  return `${c(j.status)} IN (${sqlStringList(pokecode.finishedJobStatuses)}) AND coalesce(${c(j.completedAt)}, ${c(j.createdAt)}) < :cutoff`;
})();

const oldExecution = `SELECT ${c(dipeo.executions.executionId)} FROM ${t(dipeo.executions)} WHERE ${localTextOlderThanCutoff(dipeo.executions.startedAt)}`;

const finishedWorker = (() => {
  const w = engine.workers;
  return `${c(w.status)} IN (${sqlStringList(engine.finishedWorkerStatuses)}) AND julianday(coalesce(${c(w.completedAt)}, ${c(w.updatedAt)})) < julianday(:cutoff)`;
})();

/**
 * The retention rules of the original tools, with their gaps closed: PokéCode also removes cancelled
 * jobs, and DiPeO removes an execution's transitions and messages with it (and orphans the
 * original left behind). mcpmaker and multishot have no retention rule in the originals.
 */
export const pruneRules: Record<DatabaseName, PruneRule | undefined> = {
  pokecode: {
    defaultOlderThanMs: pokecode.jobRetentionDays * DAY,
    cutoff: 'unix-seconds',
    description: 'finished jobs (completed, failed, cancelled) by completed_at, else created_at',
    steps: [
      {
        table: getTableName(pokecode.sessions),
        what: 'current_job_id pointing at a pruned or missing job, cleared',
        set: `${c(pokecode.sessions.currentJobId)} = NULL`,
        where: `${c(pokecode.sessions.currentJobId)} IS NOT NULL AND (${c(pokecode.sessions.currentJobId)} IN (SELECT ${c(pokecode.jobQueue.id)} FROM ${t(pokecode.jobQueue)} WHERE ${finishedJob}) OR ${c(pokecode.sessions.currentJobId)} NOT IN (SELECT ${c(pokecode.jobQueue.id)} FROM ${t(pokecode.jobQueue)}))`,
      },
      { table: getTableName(pokecode.jobQueue), what: 'finished jobs', where: finishedJob },
    ],
  },
  dipeo: {
    defaultOlderThanMs: dipeo.executionRetentionDays * DAY,
    cutoff: 'iso',
    description: 'executions started before the cutoff, with their transitions and messages',
    steps: [
      {
        table: getTableName(dipeo.transitions),
        what: 'transitions of pruned executions',
        where: `${c(dipeo.transitions.executionId)} IN (${oldExecution})`,
      },
      {
        table: getTableName(dipeo.messages),
        what: 'messages of pruned executions',
        where: `${c(dipeo.messages.executionId)} IN (${oldExecution})`,
      },
      {
        // Events may be written before their execution row, so only old orphans are removed.
        table: getTableName(dipeo.transitions),
        what: 'orphan transitions older than the cutoff',
        where: `${c(dipeo.transitions.executionId)} NOT IN (SELECT ${c(dipeo.executions.executionId)} FROM ${t(dipeo.executions)}) AND ${olderThanCutoff(dipeo.transitions.createdAt)}`,
      },
      {
        table: getTableName(dipeo.messages),
        what: 'orphan messages older than the cutoff',
        where: `${c(dipeo.messages.executionId)} NOT IN (SELECT ${c(dipeo.executions.executionId)} FROM ${t(dipeo.executions)}) AND ${olderThanCutoff(dipeo.messages.createdAt)}`,
      },
      {
        table: getTableName(dipeo.executions),
        what: 'executions started before the cutoff',
        where: localTextOlderThanCutoff(dipeo.executions.startedAt),
      },
    ],
  },
  engine: {
    defaultOlderThanMs: 30 * DAY,
    cutoff: 'iso',
    description: 'conversation notifications, and finished workers (complete, failed, cancelled)',
    steps: [
      {
        table: getTableName(engine.conversationNotifications),
        what: 'notifications sent before the cutoff',
        where: olderThanCutoff(engine.conversationNotifications.notifiedAt),
      },
      {
        table: getTableName(engine.stagedContent),
        what: 'worker_id of pruned workers, cleared',
        set: `${c(engine.stagedContent.workerId)} = NULL`,
        where: `${c(engine.stagedContent.workerId)} IN (SELECT ${c(engine.workers.id)} FROM ${t(engine.workers)} WHERE ${finishedWorker})`,
      },
      {
        table: getTableName(engine.workers),
        what: 'workers finished before the cutoff',
        where: finishedWorker,
      },
    ],
  },
  mcpmaker: undefined,
  multishot: undefined,
};

/** Why a database has no rule, for the report. */
export const noRuleReasons: Partial<Record<DatabaseName, string>> = {
  mcpmaker:
    'mcpmaker has no retention rule: the original keeps recordings, workflows and playback logs until the user deletes them',
  multishot: 'multishot has no retention rule: runs are kept until the user deletes them',
};
