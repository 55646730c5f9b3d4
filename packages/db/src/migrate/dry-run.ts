import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteConnection } from '../driver/types.ts';
import { isBookkeepingTable } from '../adopt/live-schema.ts';
import type { DatabaseName } from '../database-names.ts';
import { backupDatabase } from '../maintenance/backup-database.ts';
import { inspectDatabaseFile, refuseUnusable } from '../open/inspect-file.ts';
import { bringUpToDate, openConnection } from '../open/open-database.ts';
import { MEMORY_PATH, resolveDatabasePath, type ResolvePathOptions } from '../open/paths.ts';
import type { AdoptionState } from '../adopt/inspect.ts';
import { lintMigrations, type LintFinding } from './lint.ts';
import { loadMigrations, type Migration } from './load-migrations.ts';

export interface DryRunTable {
  table: string;
  /** Rows before the step; null when the table did not exist yet. */
  before: number | null;
  /** Rows after the step; null when the step dropped the table. */
  after: number | null;
}

export interface DryRunStep {
  tag: string;
  /** Wall time of the step's statements and checks on the copy. */
  ms: number;
  tables: DryRunTable[];
  findings: LintFinding[];
}

export interface DryRunReport {
  name: DatabaseName;
  path: string;
  stateBefore: AdoptionState;
  /** Adopted on the copy first (a file the original tool made): the step it was recorded at. */
  adoptedAt: string | undefined;
  steps: DryRunStep[];
  /** Whole run on the copy, adoption and checks included. */
  ms: number;
}

export interface DryRunOptions extends Pick<ResolvePathOptions, 'path' | 'env' | 'cwd' | 'home'> {
  migrations?: readonly Migration[];
  /** Where the temporary copy goes (default the system's temp folder); removed afterwards. */
  tempDir?: string;
}

/**
 * Rehearses `db:migrate` on a temporary online copy of the file (the verified backup path: the
 * file and its WAL copied under a read transaction, no write lock): adoption if the original tool
 * made it, then each pending step through the real migrator, with the rows of every table counted
 * before and after each step and its lint findings. The real file is only read. A file the
 * migrator would refuse is refused the same way, before anything is copied.
 */
export async function dryRunMigrations(
  name: DatabaseName,
  options: DryRunOptions = {},
): Promise<DryRunReport> {
  const path = resolveDatabasePath(name, options);
  const migrations = options.migrations ?? loadMigrations(name);
  const exists = path !== MEMORY_PATH && existsSync(path) && statSync(path).size > 0;
  if (exists) refuseUnusable(await inspectDatabaseFile(path, migrations));

  const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'agentstate-dry-run-'));
  const started = performance.now();
  try {
    const copy = join(dir, 'database');
    if (exists) await backupDatabase(path, copy);
    const found = exists ? await inspectDatabaseFile(copy, migrations) : undefined;
    const stateBefore = found?.state ?? 'new';
    const sqlite = openConnection(copy);
    try {
      const steps: DryRunStep[] = [];
      let current: { tag: string; at: number; counts: Map<string, number> } | undefined;
      const outcome = await bringUpToDate(sqlite, stateBefore, migrations, {
        backup: false,
        log: () => {},
        onEvent: (event) => {
          if (event.type === 'migration-start') {
            current = { tag: event.tag, at: performance.now(), counts: rowCounts(sqlite) };
          } else if (event.type === 'migration-done' && current) {
            const before = current.counts;
            const after = rowCounts(sqlite);
            const names = [...new Set([...current.counts.keys(), ...after.keys()])].sort();
            steps.push({
              tag: current.tag,
              ms: performance.now() - current.at,
              tables: names.map((table) => ({
                table,
                before: before.get(table) ?? null,
                after: after.get(table) ?? null,
              })),
              findings: [],
            });
          }
        },
      });
      const findings = await lintMigrations(
        migrations,
        steps.map((s) => s.tag),
      );
      for (const step of steps) step.findings = findings.filter((f) => f.tag === step.tag);
      return {
        name,
        path,
        stateBefore,
        adoptedAt: outcome.adoption?.adopted ? outcome.adoption.baseline : undefined,
        steps,
        ms: performance.now() - started,
      };
    } catch (error) {
      throw new DryRunFailedError(path, copy, error);
    } finally {
      sqlite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rehearsal failed on the copy: the same failure `db:migrate` would meet, worded for the file. */
export class DryRunFailedError extends Error {
  override name = 'DryRunFailedError';
  constructor(path: string, copy: string, cause: unknown) {
    const message = (cause instanceof Error ? cause.message : String(cause))
      .replaceAll(copy, path)
      .replace(/ The database is unchanged\.$| The database should be unchanged;.*$/s, '');
    super(`dry run: ${message} ${path} was not changed.`, { cause });
  }
}

/** Rows of every table of the schema, read inside the migration's transaction. */
function rowCounts(sqlite: SqliteConnection): Map<string, number> {
  const names = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  const counts = new Map<string, number>();
  for (const table of names.filter((n) => !isBookkeepingTable(n))) {
    const count = sqlite
      .prepare(`SELECT count(*) FROM "${table.replace(/"/g, '""')}"`)
      .pluck()
      .get() as number;
    counts.set(table, count);
  }
  return counts;
}
