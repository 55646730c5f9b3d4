import type { Result } from '../../driver/operation.ts';
import type { ModeOfSource, RunnerSource } from '../../driver/sync-runner.ts';
import { messages as m, type Message } from '@agentstate/schema/dipeo';
import { createSearch, type SearchHit, type SearchOptions } from '../shared/fts-query.ts';
import { toSqliteDateTime } from '../shared/time.ts';
import { toMessage } from './rows.ts';

export interface SearchDipeoMessagesOptions extends SearchOptions {
  executionId?: string;
  nodeId?: string;
  personId?: string;
}

/** `searchMessages(query, options)`: conversation turns whose text matches, best first, with a snippet. */
export function createMessageSearch<S extends RunnerSource>(source: S) {
  const search = createSearch(
    source,
    {
      table: m,
      filters: {
        executionId: m.executionId,
        nodeId: m.nodeId,
        personId: m.personId,
      },
      // CURRENT_TIMESTAMP text from DiPeO, the same UTC text from this client.
      time: { column: m.createdAt, toSql: toSqliteDateTime, datetime: true },
    },
    toMessage,
  );
  return (
    query: string,
    options?: SearchDipeoMessagesOptions,
  ): Result<ModeOfSource<S>, Array<SearchHit<Message>>> => search(query, options);
}
