/**
 * The offline browser on a 1,000,000-row table: its keyset pages beside the OFFSET + COUNT(*)
 * paging most table viewers do, on the same read-only connection. `pnpm -F @agentstate/studio bench`
 * prints a table; `--json` prints one JSON object in the shape of packages/db's bench suites
 * (`ratio` = baseline / agentstate, higher is better).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '@agentstate/db';
import { DatabaseCatalog } from '../src/browser/catalog.ts';
import { readPage, type Page } from '../src/browser/rows.ts';

const ROWS = 1_000_000;
const PAGE = 50;
const TARGET_MS = 1000;

interface Comparison {
  name: string;
  unit: 'ms';
  agentstate: number;
  baseline: number;
  baselineName: string;
  ratio: number;
  iterations: number;
  target?: { description: string; met: boolean };
  note?: string;
}

function median(fn: () => unknown, samples = 15): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** A pokecode file with ROWS sessions, written in one transaction. */
async function buildDatabase(path: string): Promise<void> {
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  const insert = handle.sqlite.prepare(
    `INSERT INTO sessions (id, provider, project_path, name, metadata, created_at, updated_at, last_accessed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const base = Math.floor(Date.UTC(2026, 0, 1) / 1000);
  handle.sqlite
    .transaction(() => {
      for (let n = 0; n < ROWS; n++) {
        const at = base + ((n * 7919) % ROWS); // not in insertion order
        insert.run(
          `s${String(n).padStart(7, '0')}`,
          n % 2 ? 'codex-cli' : 'claude-code',
          `/projects/p${n % 97}`,
          `session ${n}`,
          n % 3 ? JSON.stringify({ repository: `repo-${n % 1000}`, branch: 'main' }) : null,
          at,
          at,
          at,
        );
      }
    })
    .immediate();
  handle.close();
}

export async function runFirstPageBench(): Promise<{ comparisons: Comparison[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'agentstate-studio-bench-'));
  try {
    const path = join(dir, 'pokecode.db');
    await buildDatabase(path);
    const catalog = new DatabaseCatalog({ pokecode: path }, 'pokecode');
    const sqlite = catalog.connection('pokecode');
    const table = catalog.table('pokecode', 'sessions');
    if (!table) throw new Error('no sessions table');
    const columns = table.columns.map((column) => `"${column.name}"`).join(', ');
    const offsetPage = (orderBy: string, offset: number) => {
      sqlite.prepare('SELECT COUNT(*) FROM sessions').pluck().get();
      return sqlite
        .prepare(`SELECT ${columns} FROM sessions ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
        .all(PAGE, offset);
    };
    const keysetAt = (sort: string | undefined, pages: number): string | undefined => {
      // The cursor of page `pages`, found once by walking (untimed): what Next has built up.
      let after: string | undefined;
      for (let i = 0; i < pages; i++) {
        after = readPage(sqlite, table.meta, table.columns, {
          sort,
          after,
          limit: 1000,
        }).nextCursor;
      }
      return after;
    };
    const page = (sort: string | undefined, after?: string): Page =>
      readPage(sqlite, table.meta, table.columns, { sort, after, limit: PAGE });

    const comparisons: Comparison[] = [];
    const compare = (name: string, ours: () => unknown, baseline: () => unknown, note?: string) => {
      const agentstate = median(ours);
      const other = median(baseline);
      comparisons.push({
        name,
        unit: 'ms',
        agentstate,
        baseline: other,
        baselineName: 'LIMIT/OFFSET + COUNT(*) per page',
        ratio: other / agentstate,
        iterations: 15,
        ...(name.startsWith('first page')
          ? { target: { description: `under ${TARGET_MS} ms`, met: agentstate < TARGET_MS } }
          : {}),
        note,
      });
    };
    const t0 = performance.now();
    const first = page(undefined);
    const coldFirstPage = performance.now() - t0;
    if (first.rows.length !== PAGE) throw new Error('first page is short');
    compare(
      'first page, rowid order',
      () => page(undefined),
      () => offsetPage('rowid', 0),
      `cold: ${coldFirstPage.toFixed(2)} ms`,
    );
    compare(
      'first page, sorted by last_accessed_at (indexed)',
      () => page('last_accessed_at'),
      () => offsetPage('last_accessed_at, rowid', 0),
    );
    const deep = keysetAt(undefined, 900);
    compare(
      'page at row 900,000, rowid order',
      () => page(undefined, deep),
      () => offsetPage('rowid', 900_000),
    );
    const deepSorted = keysetAt('last_accessed_at', 900);
    compare(
      'page at row 900,000, sorted by last_accessed_at',
      () => page('last_accessed_at', deepSorted),
      () => offsetPage('last_accessed_at, rowid', 900_000),
    );
    catalog.close();
    return { comparisons };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runFirstPageBench();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ suites: { 'studio-first-page': result } }, null, 2));
  } else {
    for (const c of result.comparisons) {
      console.log(
        `${c.name.padEnd(50)} ${c.agentstate.toFixed(3).padStart(9)} ms  baseline ${c.baseline.toFixed(3).padStart(9)} ms  ratio ${c.ratio.toFixed(1).padStart(7)}${c.target ? `  target ${c.target.description}: ${c.target.met ? 'met' : 'MISSED'}` : ''}${c.note ? `  (${c.note})` : ''}`,
      );
    }
  }
}
