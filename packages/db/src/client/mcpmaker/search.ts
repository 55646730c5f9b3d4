import type { Result } from '../../driver/operation.ts';
import type { ModeOfSource, RunnerSource } from '../../driver/sync-runner.ts';
import { playbackLogs as p, type PlaybackLog } from '@agentstate/schema/mcpmaker';
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
      table: p,
      filters: { workflowId: p.workflowId, sitePattern: p.sitePattern },
      time: { column: p.timestamp, toSql: (date) => p.timestamp.mapToDriverValue(date) },
    },
    toPlaybackLog,
  );
  return (
    query: string,
    options?: SearchInsightsOptions,
  ): Result<ModeOfSource<S>, Array<SearchHit<PlaybackLog>>> => search(query, options);
}
