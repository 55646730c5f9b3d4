import { sql } from 'drizzle-orm';
import type { RunnerSource } from '../../driver/sync-runner.ts';
import { workers as w } from '@agentstate/schema/engine';
import { createDeadLetters } from '../shared/dead-letters.ts';
import { fromText, toIso, type Clock } from '../shared/time.ts';
import { toWorker } from './rows.ts';

/**
 * The failed workers (`deadLetters.list()`, `.retry(id)`, `.retryAll()`): a retried worker is
 * pending again with its retries counted afresh, runnable at once, and no lease.
 */
export function createEngineDeadLetters<S extends RunnerSource>(
  source: S,
  clock: Clock,
  channel?: string,
) {
  return createDeadLetters(
    source,
    clock,
    {
      table: w,
      columns: { error: w.lastError, failedAt: w.completedAt, attempts: w.retryCount },
      filters: { sessionId: w.sessionId, primitive: w.primitive },
      reset: sql`${w.status} = 'pending', ${w.retryCount} = 0, ${w.retryAt} = NULL,
        ${w.startedAt} = NULL, ${w.completedAt} = NULL, ${w.leaseOwner} = NULL,
        ${w.leaseToken} = NULL, ${w.leaseExpiresAt} = NULL, ${w.updatedAt} = @now`,
      now: toIso,
      toDate: (value) => fromText(value as string | null),
    },
    toWorker,
    channel,
  );
}
