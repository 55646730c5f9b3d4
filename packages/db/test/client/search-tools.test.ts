import { betterSqlite3Of } from '../../src/driver/better-sqlite3.ts';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { SqliteConnection } from '../../src/driver/types.ts';
import { databaseNames, databases, fullTextTable, type DatabaseName } from '@agentstate/schema';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { describe, expect, it } from 'vitest';
import { createClient, createSearch, openDatabase, SearchQueryError } from '../../src/index.ts';
import { outputLogs } from '@agentstate/schema/multishot';
import { buildOriginalDatabase, tempDir } from '../helpers/index.ts';
import { fakeClock, freshDatabase } from './helpers.ts';

const quiet = { migrate: { log: () => {} } };
const integrity = (sqlite: SqliteConnection, table: string) =>
  sqlite
    .prepare(`INSERT INTO ${table}_fts(${table}_fts, rank) VALUES ('integrity-check', 0)`)
    .run();

describe('dipeo searchMessages', () => {
  it('searches the turn text of the JSON DiPeO writes, older `text` rows and rows DiPeO wrote itself', async () => {
    const handle = await freshDatabase('dipeo', 'file');
    const dipeo = createClient('dipeo', handle, { clock: fakeClock(), timeZone: 'Asia/Seoul' });
    const first = dipeo.appendMessage({
      executionId: 'exec_7f3a',
      nodeId: 'person_job_1',
      personId: 'reviewer',
      content: {
        role: 'assistant',
        content: 'The diagram loops forever because the condition node never flips.',
      },
      tokenCount: 41,
    });
    dipeo.appendMessage({
      executionId: 'exec_9b21',
      nodeId: 'person_job_2',
      personId: null,
      content: { role: 'user', content: 'Summarize the quarterly revenue table', name: null },
    });
    // DiPeO's own insert: its Python writes `text` in older releases, created_at by default.
    handle.sqlite
      .prepare(
        `INSERT INTO messages (id, execution_id, node_id, person_id, content, token_count)
         VALUES (?, 'exec_7f3a', 'condition_1', NULL, ?, NULL)`,
      )
      .run(
        'exec_7f3a:condition_1:2026-01-15T12:00:00.000000',
        JSON.stringify({
          role: 'system',
          text: 'Loop guard: the condition flips after three iterations',
          meta: null,
        }),
      );
    expect(
      dipeo
        .searchMessages('condition')
        .map((h) => h.row.nodeId)
        .sort(),
    ).toEqual(['condition_1', 'person_job_1']);
    expect(dipeo.searchMessages('condition', { executionId: 'exec_9b21' })).toEqual([]);
    expect(
      dipeo.searchMessages('condition', { personId: 'reviewer' }).map((h) => h.row.id),
    ).toEqual([first.id]);
    expect(dipeo.searchMessages('revenue')[0]!.snippet).toBe(
      'Summarize the quarterly <mark>revenue</mark> table',
    );
    // Keys and roles are not text.
    expect(dipeo.searchMessages('role OR assistant OR meta')).toEqual([]);
    expect(
      dipeo.searchMessages('iterations', { before: new Date('2000-01-01T00:00:00Z') }),
    ).toEqual([]);
    integrity(handle.sqlite, 'messages');
  });

  it('indexes what DiPeO’s own Python writes through its sqlite3 (the triggers run there too)', async () => {
    const handle = await freshDatabase('dipeo', 'file');
    const path = handle.sqlite.name;
    handle.close();
    // DiPeO's message store: Python's sqlite3 in autocommit, its pragmas, a plain INSERT.
    const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute(
    "INSERT INTO messages (id, execution_id, node_id, person_id, content, token_count) VALUES (?, ?, ?, ?, ?, ?)",
    ("exec_py:node_9:2026-12-01T08:07:37.696235", "exec_py", "node_9", "analyst",
     json.dumps({"role": "assistant", "content": "Übersicht der Quartalszahlen", "name": None}), 7),
)
db.execute("DELETE FROM messages WHERE id = ?", ("missing",))
print(sqlite3.sqlite_version)
`;
    const python = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
    expect(python.stderr).toBe('');
    expect(python.status).toBe(0);
    const reopened = await openDatabase('dipeo', { path, ...quiet });
    try {
      const hits = createClient('dipeo', reopened).searchMessages('ubersicht');
      expect(hits.map((h) => h.row.personId)).toEqual(['analyst']);
      expect(hits[0]!.snippet).toBe('<mark>Übersicht</mark> der Quartalszahlen');
      integrity(reopened.sqlite, 'messages');
    } finally {
      reopened.close();
    }
  });

  it('an adopted DiPeO file gains the index over the messages it holds', async () => {
    const path = buildOriginalDatabase(tempDir(), 'dipeo', (db) => {
      db.prepare(
        `INSERT INTO messages (id, execution_id, node_id, person_id, content, token_count)
         VALUES ('e1:n1:2026-12-01T08:07:37', 'e1', 'n1', 'writer', ?, 12)`,
      ).run(JSON.stringify({ role: 'assistant', content: 'Draft the onboarding email in Korean' }));
    });
    const handle = await openDatabase('dipeo', { path, ...quiet });
    try {
      const hits = createClient('dipeo', handle).searchMessages('onboarding');
      expect(hits.map((h) => h.row.personId)).toEqual(['writer']);
    } finally {
      handle.close();
    }
  });
});

describe('mcpmaker searchInsights', () => {
  it('finds what worked on a site by what the insight says', async () => {
    const handle = await freshDatabase('mcpmaker', 'file');
    const mcpmaker = createClient('mcpmaker', handle, { clock: fakeClock() });
    const { workflow } = mcpmaker.recordSession({
      workflowName: 'Book a table',
      url: 'https://www.opentable.com/r/le-bernardin',
      startedAt: new Date('2026-01-10T19:00:00Z'),
      endedAt: new Date('2026-01-10T19:04:00Z'),
    });
    const log = (insights: string | null, at: string) =>
      mcpmaker.appendPlaybackLog({
        workflowId: workflow.id,
        sitePattern: workflow.sitePattern,
        timestamp: new Date(at),
        data: { actions: [], totalActions: 4, successfulActions: 3 },
        outcome: 'partial',
        insights,
      });
    const picker = log(
      'The date picker needs a click on the month header before the day.',
      '2026-01-11T10:00:00Z',
    );
    log(null, '2026-01-12T10:00:00Z');
    log('Party size dropdown resets after a date change.', '2026-01-13T10:00:00Z');
    expect(mcpmaker.searchInsights('date').map((h) => h.row.id)).toHaveLength(2);
    expect(mcpmaker.searchInsights('picker').map((h) => h.row.id)).toEqual([picker.id]);
    expect(mcpmaker.searchInsights('opentable').length).toBe(3); // the site pattern
    expect(
      mcpmaker
        .searchInsights('date', { before: new Date('2026-01-12T00:00:00Z') })
        .map((h) => h.row.id),
    ).toEqual([picker.id]);
    handle.sqlite
      .prepare('UPDATE playback_logs SET insights = ? WHERE id = ?')
      .run('Use the calendar API', picker.id);
    expect(mcpmaker.searchInsights('picker')).toEqual([]);
    expect(mcpmaker.searchInsights('calendar').map((h) => h.row.id)).toEqual([picker.id]);
    integrity(handle.sqlite, 'playback_logs');
  });
});

describe('engine searchStagedContent', () => {
  it('matches titles and content and snips the column that matched', async () => {
    const handle = await freshDatabase('engine', 'file');
    const engine = createClient('engine', handle, { clock: fakeClock() });
    const brief = engine.stage({
      title: 'Morning brief',
      content: '## Today\n- Dentist at 9:30\n- Send the invoice to Acme',
    });
    engine.stage({ title: 'Invoice draft for Acme', content: 'Line items: consulting, 12 hours' });
    const hits = engine.searchStagedContent('invoice');
    expect(hits).toHaveLength(2);
    expect(hits.find((h) => h.row.id === brief.id)!.snippet).toContain('<mark>invoice</mark>');
    expect(engine.searchStagedContent('dentist').map((h) => h.row.title)).toEqual([
      'Morning brief',
    ]);
    expect(engine.searchStagedContent('title:draft').map((h) => h.row.title)).toEqual([
      'Invoice draft for Acme',
    ]);
    expect(engine.searchStagedContent('invoice', { status: 'dismissed' })).toEqual([]);
    integrity(handle.sqlite, 'staged_content');
  });
});

describe('multishot searchOutputLogs', () => {
  it('finds an agent’s output', async () => {
    const handle = await freshDatabase('multishot', 'file');
    const multishot = createClient('multishot', handle, { clock: fakeClock() });
    const run = multishot.createRun('landing page');
    const { agents } = multishot.startRound(run.id, 'Build a landing page', [
      'plain',
      'bold',
      'dark',
      'retro',
    ]);
    multishot.appendOutputLog(agents[0]!.id, 'npm ERR! peer dep missing: react@^18');
    multishot.appendOutputLog(agents[1]!.id, 'Compiled successfully in 2.1s');
    expect(multishot.searchOutputLogs('react').map((h) => h.row.agentId)).toEqual([agents[0]!.id]);
    expect(multishot.searchOutputLogs('compiled', { agentId: agents[0]!.id })).toEqual([]);
    integrity(handle.sqlite, 'output_logs');
  });
});

describe('a search over a whole table (as the studio runs it)', () => {
  it('finds rows with no filters, and refuses `before` in one line when it has no time column', async () => {
    const handle = await freshDatabase('multishot', 'file');
    const multishot = createClient('multishot', handle, { clock: fakeClock() });
    const run = multishot.createRun('landing page');
    const { agents } = multishot.startRound(run.id, 'Build it', ['plain']);
    multishot.appendOutputLog(agents[0]!.id, 'npm ERR! peer dep missing: react@^18');
    const search = createSearch(handle.sqlite, { table: outputLogs, filters: {} }, (row) => row);
    expect(search('react').map((hit) => hit.row.agent_id)).toEqual([agents[0]!.id]);
    expect(() => search('react', { before: new Date() })).toThrow(
      new SearchQueryError('output_logs', 'react', 'before: this search has no time'),
    );
  });
});

/** Every full-text migration's `.down.sql`, applied in a transaction to a migrated file with rows. */
describe.each(databaseNames.filter((n) => (databases[n].fullText ?? []).length > 0))(
  'rolling back %s full-text search',
  (name: DatabaseName) => {
    it('drops the index and its triggers and leaves every other table as it was', async () => {
      const handle = await freshDatabase(name, 'file');
      const sqlite = handle.sqlite;
      seedDatabase(betterSqlite3Of(sqlite), name, { rows: 500 });
      const indexes = databases[name].fullText ?? [];
      const ftsNames = indexes.map((index) => fullTextTable(index));
      const isFts = (object: string) => ftsNames.some((fts) => object.startsWith(fts));
      const schemaOf = () =>
        (
          sqlite.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all() as Array<{
            name: string;
          }>
        ).filter((o) => !isFts(o.name));
      const rowsOf = () =>
        schemaOf()
          .filter((o) => (o as { type?: string }).type === 'table')
          .map((o) => sqlite.prepare(`SELECT * FROM "${o.name}"`).all());
      const before = { schema: schemaOf(), rows: rowsOf() };
      expect(before.rows.flat().length).toBeGreaterThan(100);
      // The seeded rows were indexed, and the index agrees with them.
      for (const index of indexes) integrity(sqlite, index.table);
      for (const index of indexes) {
        const down = readFileSync(
          new URL(
            `../../../schema/migrations/${name}/${index.migration}.down.sql`,
            import.meta.url,
          ),
          'utf8',
        );
        sqlite.transaction(() => {
          for (const statement of down.split('--> statement-breakpoint')) sqlite.exec(statement);
        })();
      }
      const left = (
        sqlite.prepare('SELECT name FROM sqlite_master').pluck().all() as string[]
      ).filter(isFts);
      expect(left).toEqual([]);
      expect(schemaOf()).toEqual(before.schema);
      expect(rowsOf()).toEqual(before.rows);
      handle.close();
    });
  },
);
