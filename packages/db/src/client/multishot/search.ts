import type { Result } from '../../driver/operation.ts';
import type { ModeOfSource, RunnerSource } from '../../driver/sync-runner.ts';
import { createSearch, type SearchHit, type SearchOptions } from '../shared/fts-query.ts';

export interface SearchOutputLogsOptions extends SearchOptions {
  agentId?: string;
}

/** `searchOutputLogs(query, options)`: agent output whose text matches, best first, with a snippet. */
export function createOutputLogSearch<S extends RunnerSource, R>(
  source: S,
  toOutputLog: (row: Record<string, unknown>) => R,
) {
  const search = createSearch(
    source,
    {
      table: 'output_logs',
      filters: { agentId: 'agent_id' },
      time: { column: 'timestamp', toSql: (date) => date.getTime() },
    },
    toOutputLog,
  );
  return (
    query: string,
    options?: SearchOutputLogsOptions,
  ): Result<ModeOfSource<S>, Array<SearchHit<R>>> => search(query, options);
}
