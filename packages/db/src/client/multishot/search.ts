import type { Result } from '../../driver/operation.ts';
import type { ModeOfSource, RunnerSource } from '../../driver/sync-runner.ts';
import { outputLogs as o, type OutputLog } from '@agentstate/schema/multishot';
import { createSearch, type SearchHit, type SearchOptions } from '../shared/fts-query.ts';
import { toOutputLog } from './rows.ts';

export interface SearchOutputLogsOptions extends SearchOptions {
  agentId?: string;
}

/** `searchOutputLogs(query, options)`: agent output whose text matches, best first, with a snippet. */
export function createOutputLogSearch<S extends RunnerSource>(source: S) {
  const search = createSearch(
    source,
    {
      table: o,
      filters: { agentId: o.agentId },
      time: { column: o.timestamp, toSql: (date) => o.timestamp.mapToDriverValue(date) },
    },
    toOutputLog,
  );
  return (
    query: string,
    options?: SearchOutputLogsOptions,
  ): Result<ModeOfSource<S>, Array<SearchHit<OutputLog>>> => search(query, options);
}
