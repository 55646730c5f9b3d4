import { readFileSync } from 'node:fs';
import type { SqliteConnection } from '../../src/driver/types.ts';
import { describe, expect, it } from 'vitest';
import {
  createClient,
  databaseStatus,
  loadMigrations,
  openDatabase,
  SearchQueryError,
} from '../../src/index.ts';
import { buildOriginalDatabase, tempDir } from '../helpers/index.ts';
import { freshDatabase, fakeClock, storageKinds } from './helpers.ts';

interface FixtureMessage {
  provider: 'claude-code' | 'codex-cli';
  type: 'user' | 'assistant' | 'system' | 'result' | 'error';
  content_data: unknown;
}

/** Claude Code stream-json and Codex CLI `exec --json` events, as PokéCode stores them. */
const fixtures = JSON.parse(
  readFileSync(
    new URL('../fixtures/original-tools/pokecode-messages.json', import.meta.url),
    'utf8',
  ),
) as FixtureMessage[];
const contentOf = (m: FixtureMessage) =>
  m.content_data === null ? null : JSON.stringify(m.content_data);

async function clientWithFixtures(kind: (typeof storageKinds)[number]) {
  const handle = await freshDatabase('pokecode', kind);
  const clock = fakeClock();
  const client = createClient('pokecode', handle, { clock });
  const claude = client.createSession({
    provider: 'claude-code',
    projectPath: '/home/dev/shop',
    name: 'checkout',
  });
  const codex = client.createSession({
    provider: 'codex-cli',
    projectPath: '/home/dev/db',
    name: 'migrations',
  });
  const ids: string[] = [];
  for (const message of fixtures) {
    clock.advance(60_000);
    ids.push(
      client.saveMessage({
        sessionId: message.provider === 'claude-code' ? claude.id : codex.id,
        provider: message.provider,
        type: message.type,
        contentData: contentOf(message),
      }).id,
    );
  }
  return { handle, client, clock, claude, codex, ids };
}

const integrity = (sqlite: SqliteConnection) =>
  sqlite
    .prepare(
      "INSERT INTO session_messages_fts(session_messages_fts, rank) VALUES ('integrity-check', 0)",
    )
    .run();

describe.each(storageKinds)('searchMessages (%s)', (kind) => {
  it('finds the text inside the provider JSON: user and assistant text, tool names, inputs and results', async () => {
    const { client, ids, handle } = await clientWithFixtures(kind);
    const idsOf = (query: string) =>
      client.searchMessages(query).map((hit) => ids.indexOf(hit.row.id));

    // The user's prompt and the failing tool result both mention it.
    expect(idsOf('NullPointerException').sort((a, b) => a - b)).toEqual([1, 5]);
    expect(idsOf('Grep')).toEqual([2]); // a tool name
    expect(idsOf('gradlew')).toEqual([4]); // a tool input
    expect(idsOf('subtotal').sort((a, b) => a - b)).toEqual([2, 3, 6]); // thinking, input, results
    expect(idsOf('"zero subtotal"')).toEqual([6]); // the result event's text
    expect(idsOf('Flyway').sort((a, b) => a - b)).toEqual([8, 11]); // Codex reasoning and agent message
    expect(idsOf('V2__add_orders')).toEqual([9]); // Codex command output
    expect(idsOf('seed_catalog').sort((a, b) => a - b)).toEqual([9, 10]); // output and a changed file's path

    // The JSON's keys, structure and bookkeeping values are not text anyone wrote.
    for (const noise of [
      'tool_use_id',
      'parent_tool_use_id',
      'assistant',
      'stop_reason',
      'toolu_01A09q90qw90lq917835lq9',
      'msg_01XFDUDYJgAACzvnptvVoYEL',
      'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds2cEOfeAQh3tWjAEVpmGEm0IKjAhs4pTRVfvvrt0hIdIxW2ZU2U1',
      'cache_read_input_tokens',
      'item_completed',
    ]) {
      expect(client.searchMessages(`"${noise}"`), noise).toEqual([]);
    }
    // The typed message comes back whole.
    const [hit] = client.searchMessages('gradlew');
    expect(hit!.row.type).toBe('assistant');
    expect(JSON.parse(hit!.row.contentData!)).toEqual(fixtures[4]!.content_data);
    integrity(handle.sqlite);
  });

  it('marks the matched terms in a snippet of the passage, with the markers asked for', async () => {
    const { client } = await clientWithFixtures(kind);
    const [hit] = client.searchMessages('gradlew');
    expect(hit!.snippet).toBe(
      'Bash ./<mark>gradlew</mark> test --tests CartServiceTest Run the cart tests',
    );
    const [custom] = client.searchMessages('empty cart', {
      sessionId: undefined,
      highlight: { open: '[[', close: ']]' },
      limit: 1,
    });
    expect(custom!.snippet).toContain('[[empty]] [[cart]]');
    expect(custom!.snippet).not.toContain('<mark>');
  });

  it('ranks the closer match first, by bm25', async () => {
    const { client, claude } = await clientWithFixtures(kind);
    const text = (body: string) =>
      JSON.stringify({
        type: 'assistant',
        message: { role: 'assistant', content: [{ type: 'text', text: body }] },
      });
    const filler =
      'the build log shows several unrelated warnings about deprecated options '.repeat(8);
    const weak = client.saveMessage({
      sessionId: claude.id,
      provider: 'claude-code',
      type: 'assistant',
      contentData: text(`${filler} and one flaky test`),
    });
    const strong = client.saveMessage({
      sessionId: claude.id,
      provider: 'claude-code',
      type: 'assistant',
      contentData: text('flaky test: the flaky retry masks a flaky clock'),
    });
    const hits = client.searchMessages('flaky');
    expect(hits.map((h) => h.row.id)).toEqual([strong.id, weak.id]);
    expect(hits[0]!.rank).toBeLessThan(hits[1]!.rank);
  });

  it('folds case and diacritics across scripts and keeps the text as written', async () => {
    const { client, claude } = await clientWithFixtures(kind);
    const say = (body: string) =>
      client.saveMessage({
        sessionId: claude.id,
        provider: 'claude-code',
        type: 'user',
        contentData: JSON.stringify({ type: 'user', message: { role: 'user', content: body } }),
      });
    const french = say('Le café de Zoë ferme à 18h ☕');
    const russian = say('Миграция базы данных завершилась ошибкой');
    const greek = say('Η ΒΆΣΗ ΔΕΔΟΜΈΝΩΝ είναι κλειδωμένη');
    const japanese = say('データベースの移行が失敗しました 🚨');

    expect(client.searchMessages('cafe zoe').map((h) => h.row.id)).toEqual([french.id]);
    expect(client.searchMessages('CAFÉ').map((h) => h.row.id)).toEqual([french.id]);
    expect(client.searchMessages('миграция').map((h) => h.row.id)).toEqual([russian.id]);
    expect(client.searchMessages('βάση').map((h) => h.row.id)).toEqual([greek.id]);
    expect(client.searchMessages('データベース*').map((h) => h.row.id)).toEqual([japanese.id]);
    expect(client.searchMessages('cafe')[0]!.snippet).toBe(
      'Le <mark>café</mark> de Zoë ferme à 18h ☕',
    );
  });

  it('filters by session and time and stops at the limit', async () => {
    const { client, claude, codex, clock } = await clientWithFixtures(kind);
    expect(
      client
        .searchMessages('Flyway OR subtotal', { sessionId: codex.id })
        .map((h) => h.row.sessionId),
    ).toEqual([codex.id, codex.id]);
    expect(client.searchMessages('Flyway', { sessionId: claude.id })).toEqual([]);
    // Messages were written a minute apart from the fake clock's start.
    const start = clock() - fixtures.length * 60_000;
    const early = client.searchMessages('subtotal', { before: new Date(start + 4 * 60_000) });
    expect(early.map((h) => h.row.createdAt.getTime())).toEqual([start + 3 * 60_000]);
    expect(client.searchMessages('subtotal', { limit: 2 })).toHaveLength(2);
  });

  it('names what is wrong with a malformed query, and reads nothing', async () => {
    const { client } = await clientWithFixtures(kind);
    const problem = (query: string, options?: Parameters<typeof client.searchMessages>[1]) => {
      try {
        client.searchMessages(query, options);
      } catch (error) {
        expect(error).toBeInstanceOf(SearchQueryError);
        const e = error as SearchQueryError;
        expect(e.table).toBe('session_messages');
        expect(e.message).toBe(
          `search of session_messages: query ${JSON.stringify(query)}: ${e.problem}`,
        );
        return e.problem;
      }
      throw new Error(`${query} was accepted`);
    };
    expect(problem('cart AND')).toBe('syntax error near ""');
    expect(problem('"unterminated phrase')).toBe('unterminated string (a " without its closing ")');
    expect(problem('* cart')).toMatch(/^a query cannot start with "\*"/);
    expect(problem('cart -x')).toMatch(/^"x" is read as a column name/);
    expect(problem('OR cart')).toBe('syntax error near "OR"');
    expect(problem('NullPointerException: cart')).toMatch(
      /^"NullPointerException" is read as a column name \(a word before ":" or after "-"\) and there is no such column; put the term in double quotes/,
    );
    expect(problem('   ')).toBe('the query is empty');
    expect(problem('cart', { limit: 0 })).toBe('limit: expected an integer from 1 to 1000, got 0');
    expect(problem('cart', { before: new Date(Number.NaN) })).toMatch(
      /^before: expected a valid Date/,
    );
    // The same text as a search box's words: every word must occur, nothing is syntax.
    expect(client.searchMessages('cart AND Flyway', { syntax: 'words' })).toEqual([]);
    expect(
      client.searchMessages('empty cart AND', { syntax: 'words' }).map((h) => h.row.type),
    ).toEqual(['result']);
    expect(
      client
        .searchMessages('NullPointerException: "cart', { syntax: 'words' })
        .map((h) => h.row.type),
    ).toEqual(['user']);
  });
});

describe('the index follows every write, the original tool’s too', () => {
  it('through delete, cascade, update and INSERT OR REPLACE written in plain SQL', async () => {
    const { client, handle, claude, codex, ids } = await clientWithFixtures('file');
    const sqlite = handle.sqlite;
    const found = (query: string) => client.searchMessages(query).map((h) => h.row.id);

    // PokéCode's own insert (drizzle's INSERT with seconds) is indexed by the trigger.
    sqlite
      .prepare(
        `INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at)
         VALUES ('m-raw', ?, 'claude-code', 'user', ?, 1757300000)`,
      )
      .run(
        claude.id,
        JSON.stringify({
          type: 'user',
          message: { role: 'user', content: 'rotate the webhook secret' },
        }),
      );
    expect(found('webhook')).toEqual(['m-raw']);

    sqlite
      .prepare('UPDATE session_messages SET content_data = ? WHERE id = ?')
      .run(
        JSON.stringify({ type: 'user', message: { content: 'rotate the signing key' } }),
        'm-raw',
      );
    expect(found('webhook')).toEqual([]);
    expect(found('signing')).toEqual(['m-raw']);

    sqlite
      .prepare(
        `INSERT OR REPLACE INTO session_messages (id, session_id, provider, type, content_data, created_at)
         VALUES ('m-raw', ?, 'claude-code', 'user', 'plain text, not JSON: quarterly report', 1757300001)`,
      )
      .run(claude.id);
    expect(found('signing')).toEqual([]);
    expect(found('quarterly')).toEqual(['m-raw']);

    sqlite.prepare('DELETE FROM session_messages WHERE id = ?').run(ids[9]);
    expect(found('V2__add_orders')).toEqual([]);
    // Deleting a session cascades to its messages, and their delete triggers fire.
    sqlite.prepare('DELETE FROM sessions WHERE id = ?').run(codex.id);
    expect(found('Flyway')).toEqual([]);
    expect(found('NullPointerException')).toHaveLength(2);
    integrity(sqlite);
  });
});

describe('the index after VACUUM', () => {
  it('still points at the right messages: the rowids it keys on survive the rebuild', async () => {
    const { client, handle, ids } = await clientWithFixtures('file');
    const sqlite = handle.sqlite;
    // Holes in the rowids, then a VACUUM (what db:prune --vacuum runs) that could renumber them.
    sqlite
      .prepare('DELETE FROM session_messages WHERE id IN (?, ?, ?)')
      .run(ids[0], ids[2], ids[7]);
    const before = client.searchMessages('subtotal OR Flyway OR gradlew').map((h) => h.row.id);
    sqlite.exec('VACUUM');
    const after = client.searchMessages('subtotal OR Flyway OR gradlew');
    expect(after.map((h) => h.row.id)).toEqual(before);
    for (const hit of after) {
      expect(hit.snippet.replace(/<\/?mark>/g, '').length).toBeGreaterThan(0);
      expect(hit.row.contentData).toMatch(/subtotal|Flyway|gradlew/);
    }
    expect(before).not.toContain(ids[2]);
    integrity(sqlite);
  });
});

describe('a file PokéCode made, adopted', () => {
  it('gains the index over the messages it already holds', async () => {
    const path = buildOriginalDatabase(tempDir(), 'pokecode', (db) => {
      db.prepare(
        `INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at)
         VALUES ('ckx1a2b3c4d5e6f7g8h9', 'claude-code', '/home/dev/shop', 'shop', 1757300000, 1757300000, 1757300000)`,
      ).run();
      const insert = db.prepare(
        `INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at)
         VALUES (?, 'ckx1a2b3c4d5e6f7g8h9', ?, ?, ?, ?)`,
      );
      fixtures.forEach((m, i) =>
        insert.run(`msg-${i}`, m.provider, m.type, contentOf(m), 1757300000 + i),
      );
    });
    const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
    try {
      const client = createClient('pokecode', handle);
      expect(
        client
          .searchMessages('NullPointerException')
          .map((h) => h.row.id)
          .sort(),
      ).toEqual(['msg-1', 'msg-5']);
      expect(client.searchMessages('Flyway')).toHaveLength(2);
      integrity(handle.sqlite);
    } finally {
      handle.close();
    }
  });
});

describe('adoption knows the index', () => {
  it('a file holding the index and its triggers, but no migration history, matches the latest step', async () => {
    const { handle } = await clientWithFixtures('file');
    const path = handle.sqlite.name;
    handle.sqlite.exec('DROP TABLE __drizzle_migrations');
    handle.close();
    const status = await databaseStatus('pokecode', { path });
    expect(status.state).toBe('adoptable');
    expect(status.baseline).toBe(loadMigrations('pokecode').at(-1)?.tag);
    expect(status.pending).toEqual([]);
    expect(status.differences).toEqual([]);
  });

  it('a trigger of the index that was edited is a conflict naming it', async () => {
    const { handle } = await clientWithFixtures('file');
    const path = handle.sqlite.name;
    handle.sqlite.exec(`DROP TABLE __drizzle_migrations;
      DROP TRIGGER session_messages_fts_delete;
      CREATE TRIGGER session_messages_fts_delete AFTER DELETE ON session_messages BEGIN SELECT 1; END;`);
    handle.close();
    const status = await databaseStatus('pokecode', { path });
    expect(status.state).toBe('conflict');
    expect(status.differences.join('\n')).toContain('trigger session_messages_fts_delete');
  });
});

describe('rolling back the full-text migration', () => {
  it('drops the index and its triggers and leaves every other table as it was', async () => {
    const { handle, client, claude } = await clientWithFixtures('file');
    const sqlite = handle.sqlite;
    const schemaOf = () =>
      sqlite
        .prepare(
          "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'session\\_messages\\_fts%' ESCAPE '\\' ORDER BY name",
        )
        .all();
    const rowsOf = () =>
      ['sessions', 'session_messages', 'job_queue', 'devices'].map((table) =>
        sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
      );
    const before = { schema: schemaOf(), rows: rowsOf() };
    const down = readFileSync(
      new URL(
        '../../../schema/migrations/pokecode/0005_full_text_search.down.sql',
        import.meta.url,
      ),
      'utf8',
    );
    sqlite.transaction(() => {
      for (const statement of down.split('--> statement-breakpoint')) sqlite.exec(statement);
    })();
    expect(
      sqlite
        .prepare("SELECT type, name FROM sqlite_master WHERE name LIKE 'session_messages_fts%'")
        .all(),
    ).toEqual([]);
    expect(schemaOf()).toEqual(before.schema);
    expect(rowsOf()).toEqual(before.rows);
    // Writes go on without the triggers.
    client.saveMessage({
      sessionId: claude.id,
      provider: 'claude-code',
      type: 'user',
      contentData: '{}',
    });
    expect(() => client.searchMessages('cart')).toThrow(/no such table: session_messages_fts/);
  });
});
