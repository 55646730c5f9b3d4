import { getTableName } from 'drizzle-orm';
import type { Retention } from '../define-database.ts';
import { DAY_MS, sqlColumn as c, sqlTable as t } from '../retention-sql.ts';
import { sqlStringList } from '../sql-text.ts';
import { finishedJobStatuses, jobRetentionDays } from './constants.ts';
import { jobQueue } from './job-queue.ts';
import { sessions } from './sessions.ts';

const finishedJob = `${c(jobQueue.status)} IN (${sqlStringList(finishedJobStatuses)}) AND coalesce(${c(jobQueue.completedAt)}, ${c(jobQueue.createdAt)}) < :cutoff`;

/** PokéCode's cleanup of finished jobs, cancelled ones included (the original left those). */
export const retention: Retention = {
  defaultOlderThanMs: jobRetentionDays * DAY_MS,
  cutoff: 'unix-seconds',
  description: 'finished jobs (completed, failed, cancelled) by completed_at, else created_at',
  steps: [
    {
      table: getTableName(sessions),
      what: 'current_job_id pointing at a pruned or missing job, cleared',
      set: `${c(sessions.currentJobId)} = NULL`,
      where: `${c(sessions.currentJobId)} IS NOT NULL AND (${c(sessions.currentJobId)} IN (SELECT ${c(jobQueue.id)} FROM ${t(jobQueue)} WHERE ${finishedJob}) OR ${c(sessions.currentJobId)} NOT IN (SELECT ${c(jobQueue.id)} FROM ${t(jobQueue)}))`,
    },
    { table: getTableName(jobQueue), what: 'finished jobs', where: finishedJob },
  ],
};
