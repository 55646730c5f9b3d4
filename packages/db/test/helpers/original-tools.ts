import type { SqliteConnection } from '../../src/driver/types.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { readLiveSchema, type LiveSchema } from '../../src/adopt/live-schema.ts';

export type OriginalTool =
  | 'mcpmaker'
  | 'pokecode'
  | 'dipeo'
  | 'dipeo-execution-states'
  | 'multishot'
  | 'engine'
  | 'engine-claude-os';

/** The DDL an original tool runs, from test/fixtures/original-tools/<tool>.sql. */
export function originalDdl(tool: OriginalTool): string {
  return readFileSync(
    fileURLToPath(new URL(`../fixtures/original-tools/${tool}.sql`, import.meta.url)),
    'utf8',
  );
}

/**
 * A database file as the original tool leaves it: WAL mode, its DDL (optionally edited), then rows
 * written by `seed`. Closed, so everything is in the main file.
 */
export function buildOriginalDatabase(
  dir: string,
  tool: OriginalTool,
  seed: (sqlite: SqliteConnection) => void,
  editDdl: (ddl: string) => string = (ddl) => ddl,
): string {
  const path = join(dir, `${tool}.db`);
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec(editDdl(originalDdl(tool)));
  seed(sqlite);
  sqlite.close();
  return path;
}

export const sha256File = (path: string) =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * A database file's bytes with the three header counters zeroed that SQLite's online backup API
 * bumps in every copy it writes: the file change counter (offset 24), the schema cookie (40) and
 * the version-valid-for number (92) (https://sqlite.org/fileformat2.html#the_database_header).
 * A backup's bytes are the original's apart from these.
 */
export function bytesApartFromBackupCounters(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (const offset of [24, 40, 92]) copy.fill(0, offset, offset + 4);
  return copy;
}

/**
 * Every row of every table as SQL literals keyed by table then primary key (or rowid). Full-text
 * indexes (virtual tables) are left out: they hold no row of their own, only text derived from
 * their table's rows, which their own tests compare.
 */
export function snapshotRows(
  sqlite: SqliteConnection,
): Map<string, Map<string, Record<string, string>>> {
  const snapshot = new Map<string, Map<string, Record<string, string>>>();
  const virtual = new Set(
    sqlite
      .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'virtual'")
      .pluck()
      .all() as string[],
  );
  for (const [name, table] of readLiveSchema(sqlite).tables) {
    if (virtual.has(name)) continue;
    const pk = table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const select = table.columns.map((c) => `quote("${c.name}") AS "${c.name}"`).join(', ');
    const rows = sqlite.prepare(`SELECT rowid AS __rowid, ${select} FROM "${name}"`).all() as Array<
      Record<string, string>
    >;
    const byKey = new Map<string, Record<string, string>>();
    for (const row of rows) {
      const key = pk.length > 0 ? pk.map((c) => row[c.name]).join('|') : String(row.__rowid);
      const { __rowid: _rowid, ...values } = row;
      byKey.set(key, values);
    }
    snapshot.set(name, byKey);
  }
  return snapshot;
}

/** The schema without statement text (a rebuilt table's CREATE TABLE is re-quoted by RENAME). */
export function comparableSchema(schema: LiveSchema): unknown {
  return [...schema.tables.values()].map(({ sql: _sql, indexes, ...table }) => ({
    ...table,
    indexes: indexes.map(({ sql: _indexSql, ...index }) => index),
  }));
}
