import type { Result } from '../../driver/operation.ts';
import type { ModeOfSource, RunnerSource } from '../../driver/sync-runner.ts';
import { sessionMessages as m, type SessionMessage } from '@agentstate/schema/pokecode';
import { createSearch, type SearchHit, type SearchOptions } from '../shared/fts-query.ts';
import { toSeconds } from '../shared/time.ts';
import { toMessage } from './rows.ts';

export interface SearchMessagesOptions extends SearchOptions {
  /** Only this session's messages. */
  sessionId?: string;
}

/**
 * `searchMessages(query, options)`: session messages whose text (what the provider's JSON says:
 * user and assistant text, tool names, inputs and results) matches, best first, with a snippet.
 */
export function createMessageSearch<S extends RunnerSource>(source: S) {
  const search = createSearch(
    source,
    {
      table: m,
      filters: { sessionId: m.sessionId },
      time: { column: m.createdAt, toSql: toSeconds },
    },
    toMessage,
  );
  return (
    query: string,
    options?: SearchMessagesOptions,
  ): Result<ModeOfSource<S>, Array<SearchHit<SessionMessage>>> => search(query, options);
}
