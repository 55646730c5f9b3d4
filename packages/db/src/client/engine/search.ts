import type { Result } from '../../driver/operation.ts';
import type { ModeOfSource, RunnerSource } from '../../driver/sync-runner.ts';
import { stagedContent as st, type StagedContent } from '@agentstate/schema/engine';
import { createSearch, type SearchHit, type SearchOptions } from '../shared/fts-query.ts';
import { toIso } from '../shared/time.ts';
import { toStaged } from './rows.ts';

export interface SearchStagedContentOptions extends SearchOptions {
  status?: StagedContent['status'];
  sessionId?: string;
  workerId?: string;
}

/** `searchStagedContent(query, options)`: portal items whose title or content match, best first. */
export function createStagedContentSearch<S extends RunnerSource>(source: S) {
  const search = createSearch(
    source,
    {
      table: st,
      filters: { status: st.status, sessionId: st.sessionId, workerId: st.workerId },
      time: { column: st.createdAt, toSql: toIso },
    },
    toStaged,
  );
  return (
    query: string,
    options?: SearchStagedContentOptions,
  ): Result<ModeOfSource<S>, Array<SearchHit<StagedContent>>> => search(query, options);
}
