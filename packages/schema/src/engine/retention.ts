import { getTableName } from 'drizzle-orm';
import type { Retention } from '../define-database.ts';
import { DAY_MS, olderThanCutoff, sqlColumn as c, sqlTable as t } from '../retention-sql.ts';
import { sqlStringList } from '../sql-text.ts';
import { finishedWorkerStatuses } from './constants.ts';
import { conversationNotifications } from './conversation-notifications.ts';
import { stagedContent } from './staged-content.ts';
import { workers } from './workers.ts';

const finishedWorker = `${c(workers.status)} IN (${sqlStringList(finishedWorkerStatuses)}) AND julianday(coalesce(${c(workers.completedAt)}, ${c(workers.updatedAt)})) < julianday(:cutoff)`;

/** The engine's cleanup of old notifications, and of finished workers. */
export const retention: Retention = {
  defaultOlderThanMs: 30 * DAY_MS,
  cutoff: 'iso',
  description: 'conversation notifications, and finished workers (complete, failed, cancelled)',
  steps: [
    {
      table: getTableName(conversationNotifications),
      what: 'notifications sent before the cutoff',
      where: olderThanCutoff(conversationNotifications.notifiedAt),
    },
    {
      table: getTableName(stagedContent),
      what: 'worker_id of pruned workers, cleared',
      set: `${c(stagedContent.workerId)} = NULL`,
      where: `${c(stagedContent.workerId)} IN (SELECT ${c(workers.id)} FROM ${t(workers)} WHERE ${finishedWorker})`,
    },
    {
      table: getTableName(workers),
      what: 'workers finished before the cutoff',
      where: finishedWorker,
    },
  ],
};
