import type { Result } from '../../driver/operation.ts';
import type { ModeOfSource, RunnerSource } from '../../driver/sync-runner.ts';
import type { PlaybackLog } from '@agentstate/schema/mcpmaker';
import { createSearch, type SearchHit, type SearchOptions } from '../shared/fts-query.ts';
import { toPlaybackLog } from './rows.ts';

export interface SearchInsightsOptions extends SearchOptions {
  workflowId?: string;
  sitePattern?: string;
}

/**
 * `searchInsights(query, options)`: playback logs whose insights (or site) match, best first, with
 * a snippet: what worked on a site before, found by what it was about.
 */
export function createInsightSearch<S extends RunnerSource>(source: S) {
  const search = createSearch(
    source,
    {
      table: 'playback_logs',
      filters: { workflowId: 'workflow_id', sitePattern: 'site_pattern' },
      time: { column: 'timestamp', toSql: (date) => date.getTime() },
    },
    toPlaybackLog,
  );
  return (
    query: string,
    options?: SearchInsightsOptions,
  ): Result<ModeOfSource<S>, Array<SearchHit<PlaybackLog>>> => search(query, options);
}
