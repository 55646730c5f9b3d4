import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteConnection } from '../../src/driver/types.ts';
import { createClient, openDatabase, type PokecodeClient } from '../../src/index.ts';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '../lib/types.ts';

const MESSAGES = Number(process.env.AGENTSTATE_BENCH_SEARCH_MESSAGES ?? 1_000_000);
const QUICK_MESSAGES = 3_000;
const P50_TARGET_MS = 5;

/** A vocabulary with a long tail, as real text has: word i is drawn with weight 1 / (i + 1). */
const VOCABULARY = Array.from({ length: 20_000 }, (_, i) => wordOf(i));
function wordOf(i: number): string {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sta', 'ven', 'dor', 'pli', 'qua', 'tes', 'zu'];
  let word = '';
  for (let n = i + 7; n > 0; n = Math.floor(n / syllables.length)) {
    word += syllables[n % syllables.length];
  }
  return word;
}
/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const harmonic = (() => {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < VOCABULARY.length; i++) cumulative.push((total += 1 / (i + 1)));
  return { cumulative, total };
})();
function pickWord(next: () => number): string {
  const target = next() * harmonic.total;
  let low = 0;
  let high = harmonic.cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (harmonic.cumulative[mid]! < target) low = mid + 1;
    else high = mid;
  }
  return VOCABULARY[low]!;
}
const sentence = (next: () => number, words: number) =>
  Array.from({ length: words }, () => pickWord(next)).join(' ');

/** Claude Code stream-json events, the three kinds most of a session is made of. */
function messageJson(i: number, next: () => number): { type: string; content: string } {
  const kind = i % 3;
  if (kind === 0) {
    return {
      type: 'user',
      content: JSON.stringify({
        type: 'user',
        message: { role: 'user', content: sentence(next, 12 + Math.floor(next() * 30)) },
        parent_tool_use_id: null,
        session_id: 'b7c1e2d4-5f60-4a8b-9c0d-1e2f3a4b5c6d',
      }),
    };
  }
  if (kind === 1) {
    return {
      type: 'assistant',
      content: JSON.stringify({
        type: 'assistant',
        message: {
          id: `msg_${i.toString(36)}`,
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5-20250929',
          content: [
            { type: 'text', text: sentence(next, 20 + Math.floor(next() * 60)) },
            {
              type: 'tool_use',
              id: `toolu_${i.toString(36)}`,
              name: 'Bash',
              input: { command: `pnpm test ${pickWord(next)}`, description: sentence(next, 4) },
            },
          ],
          stop_reason: 'tool_use',
          usage: { input_tokens: 12, output_tokens: 240 },
        },
        parent_tool_use_id: null,
        session_id: 'b7c1e2d4-5f60-4a8b-9c0d-1e2f3a4b5c6d',
      }),
    };
  }
  return {
    type: 'user',
    content: JSON.stringify({
      type: 'user',
      message: {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: `toolu_${(i - 1).toString(36)}`,
            content: sentence(next, 30 + Math.floor(next() * 100)),
          },
        ],
      },
      parent_tool_use_id: null,
      session_id: 'b7c1e2d4-5f60-4a8b-9c0d-1e2f3a4b5c6d',
    }),
  };
}

const downSql = () =>
  readFileSync(
    new URL('../../../schema/migrations/pokecode/0005_full_text_search.down.sql', import.meta.url),
    'utf8',
  );

function dropIndex(sqlite: SqliteConnection) {
  sqlite.transaction(() => {
    for (const statement of downSql().split('--> statement-breakpoint')) sqlite.exec(statement);
  })();
}

/** Bytes of the pages of the objects whose name matches. */
const bytesOf = (sqlite: SqliteConnection, like: string) =>
  sqlite
    .prepare('SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE ?')
    .pluck()
    .get(like) as number;

/** Fills a file with `count` messages through the triggers, 10,000 per transaction. */
function fill(client: PokecodeClient, count: number, sessionIds: string[]) {
  const next = random(42);
  const insert = client.sqlite.prepare(
    `INSERT INTO session_messages (id, session_id, provider, type, content_data, token_count, created_at)
     VALUES (?, ?, 'claude-code', ?, ?, 200, ?)`,
  );
  const base = Math.floor(Date.UTC(2026, 0, 1) / 1000);
  for (let start = 0; start < count; start += 10_000) {
    client.sqlite.transaction(() => {
      for (let i = start; i < Math.min(count, start + 10_000); i++) {
        const message = messageJson(i, next);
        insert.run(
          `m${i.toString(36)}`,
          sessionIds[i % sessionIds.length],
          message.type,
          message.content,
          base + i,
        );
      }
    })();
  }
}

/**
 * Full-text search of PokéCode's history: the p50 of a two-word query over MESSAGES messages
 * (beside the LIKE scan a tool without an index runs), the index's share of the file, and what
 * the triggers add to appending a message (saveMessage beside the same file without the index).
 */
export const searchSuite: Suite = {
  name: 'search',
  description: `full-text search over ${MESSAGES.toLocaleString('en-US')} pokecode messages`,
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const count = quick ? QUICK_MESSAGES : MESSAGES;
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-search-'));
    const comparisons: Comparison[] = [];
    try {
      const handle = await openDatabase('pokecode', {
        path: join(dir, 'history.db'),
        migrate: { log: () => {} },
      });
      const client = createClient('pokecode', handle);
      const sessionIds = Array.from(
        { length: 50 },
        (_, i) =>
          client.createSession({ provider: 'claude-code', projectPath: `/p${i}`, name: `s${i}` })
            .id,
      );
      fill(client, count, sessionIds);
      handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      // The index as it settles: FTS5 merges its segments as it goes; optimize is what a quiet
      // moment would reach, and the figure a long-lived file shows.
      handle.sqlite.exec(
        "INSERT INTO session_messages_fts(session_messages_fts) VALUES ('optimize')",
      );

      // Two words of middling frequency (ranks 50 to 2,000): each matches a few hundred to a few
      // thousand messages of a million, like a search for two terms of a topic.
      const next = random(7);
      const queries = Array.from({ length: quick ? 20 : 400 }, () => {
        const a = VOCABULARY[50 + Math.floor(next() * 1950)]!;
        const b = VOCABULARY[50 + Math.floor(next() * 1950)]!;
        return [a, b] as const;
      });
      const times: number[] = [];
      let hits = 0;
      for (const [a, b] of queries) {
        const start = performance.now();
        hits += client.searchMessages(`${a} ${b}`, { limit: 20 }).length;
        times.push(performance.now() - start);
      }
      times.sort((x, y) => x - y);
      const p50 = times[Math.floor(times.length / 2)]!;
      // FTS5's own part: the best 20 rowids by rank, without the rank value, snippets or rows.
      const topOnly = handle.sqlite.prepare(
        `SELECT rowid FROM session_messages_fts WHERE session_messages_fts MATCH ?
         ORDER BY rank LIMIT 20`,
      );
      const topTimes = queries.map(([a, b]) => {
        const start = performance.now();
        topOnly.all(`${a} ${b}`);
        return performance.now() - start;
      });
      topTimes.sort((x, y) => x - y);
      const like = handle.sqlite.prepare(
        `SELECT * FROM session_messages WHERE content_data LIKE ? AND content_data LIKE ?
         ORDER BY created_at DESC LIMIT 20`,
      );
      const likeTimes: number[] = [];
      for (const [a, b] of queries.slice(0, quick ? 3 : 5)) {
        const start = performance.now();
        like.all(`%${a}%`, `%${b}%`);
        likeTimes.push(performance.now() - start);
      }
      likeTimes.sort((x, y) => x - y);
      const likeP50 = likeTimes[Math.floor(likeTimes.length / 2)]!;
      comparisons.push({
        name: `pokecode: two-word search, ${count.toLocaleString('en-US')} messages (p50)`,
        unit: 'ms',
        agentstate: p50,
        baseline: likeP50,
        baselineName: 'LIKE scan of content_data',
        ratio: likeP50 / p50,
        iterations: queries.length,
        target: { description: `p50 under ${P50_TARGET_MS} ms`, met: p50 < P50_TARGET_MS },
        note:
          `p90 ${times[Math.floor(times.length * 0.9)]!.toFixed(2)} ms; ${(hits / queries.length).toFixed(1)} hits per query (limit 20); ` +
          `the top 20 rowids alone (FTS5's ranking) p50 ${topTimes[topTimes.length >> 1]!.toFixed(2)} ms`,
      });

      const indexBytes = bytesOf(handle.sqlite, 'session_messages_fts%');
      const messageBytes =
        bytesOf(handle.sqlite, 'session_messages') +
        bytesOf(handle.sqlite, 'idx_session_messages%');
      const fileBytes = bytesOf(handle.sqlite, '%');
      const mb = (bytes: number) => bytes / 1024 / 1024;
      comparisons.push({
        name: 'pokecode: file size with the full-text index',
        unit: 'MB',
        agentstate: mb(fileBytes),
        baseline: mb(fileBytes - indexBytes),
        baselineName: 'the same file without it',
        ratio: (fileBytes - indexBytes) / fileBytes,
        iterations: 1,
        note: `index ${mb(indexBytes).toFixed(1)} MB = ${((indexBytes / messageBytes) * 100).toFixed(0)}% of session_messages and its indexes (${mb(messageBytes).toFixed(1)} MB)`,
      });
      handle.close();

      comparisons.push(await appendCost(dir, quick));
      return { comparisons, skipped: [] };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * saveMessage (insert and session counters, one transaction each) on a file with the index
 * beside one without it, in alternating rounds on files of the same size.
 */
async function appendCost(dir: string, quick: boolean): Promise<Comparison> {
  const perRound = quick ? 200 : 5_000;
  const rounds = quick ? 3 : 9;
  const open = async (name: string, withIndex: boolean) => {
    const handle = await openDatabase('pokecode', {
      path: join(dir, name),
      migrate: { log: () => {} },
    });
    if (!withIndex) dropIndex(handle.sqlite);
    const client = createClient('pokecode', handle);
    const session = client.createSession({ provider: 'claude-code', projectPath: '/p', name });
    return { handle, client, session };
  };
  const indexed = await open('append-indexed.db', true);
  const plain = await open('append-plain.db', false);
  const next = random(3);
  const messages = Array.from({ length: perRound }, (_, i) => messageJson(i, next));
  const round = (side: typeof indexed) => {
    const start = performance.now();
    for (const message of messages) {
      side.client.saveMessage({
        sessionId: side.session.id,
        provider: 'claude-code',
        type: message.type as 'user' | 'assistant',
        contentData: message.content,
      });
    }
    return (performance.now() - start) / perRound;
  };
  const ratios: number[] = [];
  const withTimes: number[] = [];
  const withoutTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const w = round(indexed);
    const wo = round(plain);
    withTimes.push(w);
    withoutTimes.push(wo);
    ratios.push(wo / w);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  indexed.handle.close();
  plain.handle.close();
  return {
    name: 'pokecode: saveMessage with the full-text triggers',
    unit: 'us',
    agentstate: median(withTimes) * 1000,
    baseline: median(withoutTimes) * 1000,
    baselineName: 'saveMessage without the index',
    ratio: median(ratios),
    iterations: perRound * rounds,
    note: 'ratio below 1: the share of an append the index costs',
  };
}
