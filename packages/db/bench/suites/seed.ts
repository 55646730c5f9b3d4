import { betterSqlite3Of } from '../../src/driver/better-sqlite3.ts';
import type { SqliteConnection } from '../../src/driver/types.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableName } from 'drizzle-orm';
import { definitionOf } from '@agentstate/schema';
import * as pokecode from '@agentstate/schema/pokecode';
import { openDatabase } from '../../src/index.ts';
import { uniqueHex } from '@agentstate/schema/seed-kit';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import type { BenchOptions, Suite, SuiteResult } from '../lib/types.ts';

const ROWS = Number(process.env.AGENTSTATE_BENCH_SEED_ROWS ?? 1_000_000);
const QUICK_ROWS = 2_000;
const TARGET = 0.5;

/**
 * `pnpm db:seed --rows 1000000` on pokecode (realistic rows: JSON, foreign keys, consistent
 * counters) beside raw better-sqlite3 writing the same number of rows into the same tables: plain
 * values of similar size, prepared multi-row INSERTs, 10,000 rows per transaction. One run each,
 * on fresh migrated files with agentstate's pragmas.
 */
export const seedSuite: Suite = {
  name: 'seed',
  description: `seeding ${ROWS.toLocaleString('en-US')} pokecode rows vs raw better-sqlite3 batched inserts`,
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    const rows = quick ? QUICK_ROWS : ROWS;
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-seed-'));
    try {
      const ours = await openDatabase('pokecode', {
        path: join(dir, 'seeded.db'),
        migrate: { log: () => {} },
      });
      let start = performance.now();
      seedDatabase(betterSqlite3Of(ours.sqlite), 'pokecode', { rows });
      const oursMs = performance.now() - start;
      ours.close();

      const raw = await openDatabase('pokecode', {
        path: join(dir, 'raw.db'),
        migrate: { log: () => {} },
      });
      const counts = definitionOf('pokecode').seeder.plan(rows, false);
      start = performance.now();
      rawInserts(raw.sqlite, counts);
      const rawMs = performance.now() - start;
      raw.close();

      const ratio = rawMs / oursMs;
      return {
        comparisons: [
          {
            name: `pokecode: seed ${rows.toLocaleString('en-US')} rows`,
            unit: 'ms',
            agentstate: oursMs,
            baseline: rawMs,
            baselineName: 'raw better-sqlite3 batched INSERTs',
            ratio,
            iterations: 1,
            target: {
              description: `rows/s at least ${TARGET} × raw inserts`,
              met: ratio >= TARGET,
            },
            note: `${Math.round((rows / oursMs) * 1000).toLocaleString('en-US')} rows/s vs ${Math.round((rows / rawMs) * 1000).toLocaleString('en-US')} rows/s`,
          },
        ],
        skipped: [],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The floor: the same tables and row counts, values made as cheaply as possible. */
function rawInserts(sqlite: SqliteConnection, counts: Record<string, number>): void {
  const text = 'x'.repeat(180);
  // Keys as random as the seed's cuid-like ids: sequential keys would flatter the baseline, as
  // appending to a B-tree is much cheaper than inserting all over it.
  const id = (tag: string, i: number) => `c${uniqueHex(1, tag, i, 24)}`;
  const now = Math.floor(Date.UTC(2025, 0, 1) / 1000);
  const tables: Array<
    [
      (
        | typeof pokecode.sessions
        | typeof pokecode.jobQueue
        | typeof pokecode.sessionMessages
        | typeof pokecode.devices
      ),
      (i: number) => unknown[],
    ]
  > = [
    [pokecode.devices, (i) => [id('d', i), 'iPhone', 'ios', '1.0.0', now, now, now]],
    [
      pokecode.sessions,
      (i) => [`s${i}`, 'claude-code', '/p', `session ${i}`, now, now, now, i % 90, now],
    ],
    [
      pokecode.jobQueue,
      (i) => [
        `j${i}`,
        `s${i % counts.sessions!}`,
        `p${i}`,
        'claude-code',
        'completed',
        `{"prompt":"${text.slice(0, 60)}","projectPath":"/p"}`,
        1,
        now,
        now,
        now,
      ],
    ],
    [
      pokecode.sessionMessages,
      (i) => [
        `m${i}`,
        `s${i % counts.sessions!}`,
        'claude-code',
        'assistant',
        `{"type":"assistant","text":"${text}"}`,
        uniqueHex(1, 'ps', i % counts.sessions!, 32),
        300,
        now,
      ],
    ],
  ];
  const columnsOf: Record<string, string[]> = {
    devices: [
      'device_id',
      'device_name',
      'platform',
      'app_version',
      'created_at',
      'updated_at',
      'last_connected_at',
    ],
    sessions: [
      'id',
      'provider',
      'project_path',
      'name',
      'created_at',
      'updated_at',
      'last_accessed_at',
      'message_count',
      'last_message_sent_at',
    ],
    job_queue: [
      'id',
      'session_id',
      'prompt_id',
      'provider',
      'status',
      'data',
      'attempts',
      'created_at',
      'started_at',
      'completed_at',
    ],
    session_messages: [
      'id',
      'session_id',
      'provider',
      'type',
      'content_data',
      'provider_session_id',
      'token_count',
      'created_at',
    ],
  };
  for (const [table, make] of tables) {
    const name = getTableName(table);
    const columns = columnsOf[name]!;
    const perStatement = Math.min(100, Math.floor(999 / columns.length));
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const sql = (n: number) =>
      `INSERT INTO "${name}" (${columns.join(', ')}) VALUES ${Array(n).fill(tuple).join(', ')}`;
    const many = sqlite.prepare(sql(perStatement));
    const one = sqlite.prepare(sql(1));
    const total = counts[name] ?? 0;
    for (let start = 0; start < total; start += 10_000) {
      const end = Math.min(total, start + 10_000);
      sqlite
        .transaction(() => {
          let i = start;
          for (; i + perStatement <= end; i += perStatement) {
            const values: unknown[] = [];
            for (let k = i; k < i + perStatement; k++) values.push(...make(k));
            many.run(values);
          }
          for (; i < end; i++) one.run(make(i));
        })
        .immediate();
    }
  }
}
