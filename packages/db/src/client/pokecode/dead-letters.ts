import type { RunnerSource } from '../../driver/sync-runner.ts';
import { createDeadLetters } from '../shared/dead-letters.ts';
import type { Clock } from '../shared/time.ts';
import { fromSeconds } from '../shared/time.ts';
import { toJob } from './rows.ts';

/**
 * The failed prompt jobs (`deadLetters.list()`, `.retry(id)`, `.retryAll()`): a retried job is
 * pending again with no attempts counted, as a fresh enqueue would be, and no lease.
 */
export function createPokecodeDeadLetters<S extends RunnerSource>(source: S, clock: Clock) {
  return createDeadLetters(
    source,
    clock,
    {
      table: 'job_queue',
      columns: { error: 'error', failedAt: 'completed_at', attempts: 'attempts' },
      filters: { sessionId: 'session_id' },
      reset: `status = 'pending', attempts = 0, next_retry_at = NULL, started_at = NULL,
        completed_at = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL`,
      now: (ms) => ms,
      toDate: (value) => fromSeconds(value as number | null),
    },
    toJob,
  );
}
