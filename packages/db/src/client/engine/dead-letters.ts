import type { RunnerSource } from '../../driver/sync-runner.ts';
import { workers } from '@agentstate/schema/engine';
import { rowMapper } from '../shared/columns.ts';
import { createDeadLetters } from '../shared/dead-letters.ts';
import { fromText, toIso, type Clock } from '../shared/time.ts';

/**
 * The failed workers (`deadLetters.list()`, `.retry(id)`, `.retryAll()`): a retried worker is
 * pending again with its retries counted afresh, runnable at once, and no lease.
 */
export function createEngineDeadLetters<S extends RunnerSource>(source: S, clock: Clock) {
  return createDeadLetters(
    source,
    clock,
    {
      table: 'workers',
      columns: { error: 'last_error', failedAt: 'completed_at', attempts: 'retry_count' },
      filters: { sessionId: 'session_id', primitive: 'primitive' },
      reset: `status = 'pending', retry_count = 0, retry_at = NULL, started_at = NULL,
        completed_at = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
        updated_at = @now`,
      now: toIso,
      toDate: (value) => fromText(value as string | null),
    },
    rowMapper(workers),
  );
}
