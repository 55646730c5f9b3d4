import type { SqliteConnection } from '../../src/driver/types.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOriginalDatabase } from './original-tools.ts';

/** test/fixtures/original-tools/dipeo-executions.json, made by dipeo-executions.py beside it. */
export interface DipeoFixture {
  executions: Record<
    FixtureZone,
    {
      /** DiPeO's writes in order: a persist (its upsert) or an access (load) with its parameters. */
      statements: Array<{ kind: 'persist' | 'access'; params: Array<string | number | null> }>;
      /** The instant (ISO, ms) each local timestamp stands for, by execution id. */
      meant: Record<string, Record<'started_at' | 'ended_at' | 'last_accessed', string | null>>;
    }
  >;
  /** What Python makes of local times around DST changes, by zone. */
  dst: Record<
    string,
    {
      read: Array<{ text: string; instant: string }>;
      write: Array<{ instant: string; text: string }>;
    }
  >;
}
export type FixtureZone = 'Asia/Seoul' | 'UTC';

export function dipeoFixture(): DipeoFixture {
  const path = fileURLToPath(
    new URL('../fixtures/original-tools/dipeo-executions.json', import.meta.url),
  );
  return JSON.parse(readFileSync(path, 'utf8')) as DipeoFixture;
}

// DiPeO's persistence manager, as its Python runs them (sqlite3 in autocommit, one statement each).
const persist = `INSERT INTO executions
    (execution_id, status, diagram_id, started_at, ended_at, node_states, node_outputs, llm_usage,
     error, variables, exec_counts, executed_nodes, metrics, access_count, last_accessed)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(execution_id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at,
    node_states = excluded.node_states, node_outputs = excluded.node_outputs,
    llm_usage = excluded.llm_usage, error = excluded.error, variables = excluded.variables,
    exec_counts = excluded.exec_counts, executed_nodes = excluded.executed_nodes,
    metrics = excluded.metrics, access_count = excluded.access_count,
    last_accessed = excluded.last_accessed`;
const access = `UPDATE executions SET access_count = access_count + 1, last_accessed = ?
  WHERE execution_id = ?`;

/** Runs DiPeO's writes of the fixture executions written in `zone` on a connection. */
export function writeAsDipeo(sqlite: SqliteConnection, zone: FixtureZone): void {
  const statements = { persist: sqlite.prepare(persist), access: sqlite.prepare(access) };
  for (const { kind, params } of dipeoFixture().executions[zone].statements) {
    statements[kind].run(params);
  }
}

/**
 * A dipeo database file as DiPeO leaves it after running the fixture executions with TZ=`zone`:
 * its DDL, WAL mode, its own writes. In a new folder under `dir`.
 */
export function dipeoDatabase(dir: string, zone: FixtureZone): string {
  return buildOriginalDatabase(mkdtempSync(join(dir, 'dipeo-')), 'dipeo', (sqlite) =>
    writeAsDipeo(sqlite, zone),
  );
}
