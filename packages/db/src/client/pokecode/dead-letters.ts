import { sql } from 'drizzle-orm';
import { jobQueue as j } from '@agentstate/schema/pokecode';
import type { RunnerSource } from '../../driver/sync-runner.ts';
import { createDeadLetters } from '../shared/dead-letters.ts';
import type { Clock } from '../shared/time.ts';
import { fromSeconds } from '../shared/time.ts';
import { toJob } from './rows.ts';

/**
 * The failed prompt jobs (`deadLetters.list()`, `.retry(id)`, `.retryAll()`): a retried job is
 * pending again with no attempts counted, as a fresh enqueue would be, and no lease.
 */
export function createPokecodeDeadLetters<S extends RunnerSource>(
  source: S,
  clock: Clock,
  channel?: string,
) {
  return createDeadLetters(
    source,
    clock,
    {
      table: j,
      columns: { error: j.error, failedAt: j.completedAt, attempts: j.attempts },
      filters: { sessionId: j.sessionId },
      reset: sql`${j.status} = 'pending', ${j.attempts} = 0, ${j.nextRetryAt} = NULL,
        ${j.startedAt} = NULL, ${j.completedAt} = NULL, ${j.leaseOwner} = NULL,
        ${j.leaseToken} = NULL, ${j.leaseExpiresAt} = NULL`,
      now: (ms) => ms,
      toDate: (value) => fromSeconds(value as number | null),
    },
    toJob,
    channel,
  );
}
