import type { SqliteConnection } from '../driver/types.ts';
import { openSqlite } from '../driver/sync-driver.ts';

/** Rows per table (every table in the file, bookkeeping included), in name order. */
export function tableCounts(sqlite: SqliteConnection): Record<string, number> {
  const names = sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  const counts: Record<string, number> = {};
  for (const name of names) {
    counts[name] = sqlite
      .prepare(`SELECT count(*) FROM "${name.replace(/"/g, '""')}"`)
      .pluck()
      .get() as number;
  }
  return counts;
}

/** `PRAGMA integrity_check` problems; empty when the file is sound. */
export function integrityProblems(sqlite: SqliteConnection): string[] {
  const rows = sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
}

/**
 * `PRAGMA quick_check` problems: every page is read and its b-tree checked, without matching each
 * index entry to its row (integrity_check does that too, several times slower).
 */
export function quickCheckProblems(sqlite: SqliteConnection): string[] {
  const rows = sqlite.pragma('quick_check') as Array<{ quick_check: string }>;
  return rows.map((r) => r.quick_check).filter((line) => line !== 'ok');
}

/** Differences between two sets of row counts, e.g. `sessions: 10 → 9`. */
export function countDifferences(
  expected: Record<string, number>,
  actual: Record<string, number>,
): string[] {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return tables
    .filter((t) => expected[t] !== actual[t])
    .map((t) => `${t}: ${expected[t] ?? 'missing'} → ${actual[t] ?? 'missing'}`);
}

export interface FileCheck {
  integrity: string[];
  counts: Record<string, number>;
}

/**
 * Opens a database file and checks it, reading only. It is opened read-write when allowed: a
 * read-only connection to a WAL-mode file leaves -wal/-shm files behind, a read-write one removes
 * them on close. A file that is not a database is reported as an integrity problem, not thrown.
 */
export function checkDatabaseFile(
  path: string,
  read?: (sqlite: SqliteConnection) => void,
): FileCheck {
  let sqlite: SqliteConnection | undefined;
  try {
    try {
      sqlite = openSqlite(path, { fileMustExist: true });
    } catch {
      sqlite = openSqlite(path, { readonly: true, fileMustExist: true });
    }
    const integrity = integrityProblems(sqlite);
    const counts = integrity.length === 0 ? tableCounts(sqlite) : {};
    if (integrity.length === 0) read?.(sqlite);
    return { integrity, counts };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { integrity: [message], counts: {} };
  } finally {
    sqlite?.close();
  }
}
