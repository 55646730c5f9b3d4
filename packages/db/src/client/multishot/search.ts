import type { SqliteConnection } from '../../driver/types.ts';
import { createSearch, type SearchHit, type SearchOptions } from '../shared/fts-query.ts';

export interface SearchOutputLogsOptions extends SearchOptions {
  agentId?: string;
}

/** `searchOutputLogs(query, options)`: agent output whose text matches, best first, with a snippet. */
export function createOutputLogSearch<R>(
  sqlite: SqliteConnection,
  toOutputLog: (row: Record<string, unknown>) => R,
) {
  const search = createSearch(
    sqlite,
    {
      table: 'output_logs',
      filters: { agentId: 'agent_id' },
      time: { column: 'timestamp', toSql: (date) => date.getTime() },
    },
    toOutputLog,
  );
  return (query: string, options?: SearchOutputLogsOptions): Array<SearchHit<R>> =>
    search(query, options);
}
