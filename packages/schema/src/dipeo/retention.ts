import { getTableName } from 'drizzle-orm';
import type { Retention } from '../define-database.ts';
import {
  DAY_MS,
  localTextOlderThanCutoff,
  olderThanCutoff,
  sqlColumn as c,
  sqlTable as t,
} from '../retention-sql.ts';
import { executionRetentionDays } from './constants.ts';
import { executions } from './executions.ts';
import { messages } from './messages.ts';
import { transitions } from './transitions.ts';

const oldExecution = `SELECT ${c(executions.executionId)} FROM ${t(executions)} WHERE ${localTextOlderThanCutoff(executions.startedAt)}`;

/** DiPeO's cleanup, which also removes an execution's transitions and messages (and old orphans). */
export const retention: Retention = {
  defaultOlderThanMs: executionRetentionDays * DAY_MS,
  cutoff: 'iso',
  description: 'executions started before the cutoff, with their transitions and messages',
  steps: [
    {
      table: getTableName(transitions),
      what: 'transitions of pruned executions',
      where: `${c(transitions.executionId)} IN (${oldExecution})`,
    },
    {
      table: getTableName(messages),
      what: 'messages of pruned executions',
      where: `${c(messages.executionId)} IN (${oldExecution})`,
    },
    {
      // Events may be written before their execution row, so only old orphans are removed.
      table: getTableName(transitions),
      what: 'orphan transitions older than the cutoff',
      where: `${c(transitions.executionId)} NOT IN (SELECT ${c(executions.executionId)} FROM ${t(executions)}) AND ${olderThanCutoff(transitions.createdAt)}`,
    },
    {
      table: getTableName(messages),
      what: 'orphan messages older than the cutoff',
      where: `${c(messages.executionId)} NOT IN (SELECT ${c(executions.executionId)} FROM ${t(executions)}) AND ${olderThanCutoff(messages.createdAt)}`,
    },
    {
      table: getTableName(executions),
      what: 'executions started before the cutoff',
      where: localTextOlderThanCutoff(executions.startedAt),
    },
  ],
};
