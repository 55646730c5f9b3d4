import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { openSqlite } from '../driver/sync-driver.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { readLiveSchema, type LiveSchema } from '../adopt/live-schema.ts';
import { defaultBackupDir, listBackups } from '../backup/backup.ts';
import {
  ForeignKeyViolationError,
  MigrationError,
  MigrationFailedError,
  NotMigratableError,
  type ForeignKeyViolation,
} from './errors.ts';
import { recordedHashes, type Migration } from './load-migrations.ts';
import { assertMigratable } from './migrate.ts';
import { MIGRATIONS_TABLE } from './migrations-table.ts';
import { planMigrations } from './plan.ts';
import {
  backupUnderLock,
  beginImmediate,
  defaultLog,
  DEFAULT_LOCK_TIMEOUT_MS,
  withForeignKeysOff,
  type BackupOptions,
} from './schema-change.ts';
import { migrationStatements } from './statements.ts';

export type RollbackEvent =
  | { type: 'locked' }
  | { type: 'backup'; path: string }
  | { type: 'rollback-start'; tag: string }
  | { type: 'rollback-done'; tag: string }
  | { type: 'committed'; rolledBack: string[] };

/** `to` for a rollback of every step, the first one included: the schema before any migration. */
export const BEFORE_FIRST_STEP = '0';

export interface RollbackOptions {
  /**
   * The step to return to: every applied step after it is reversed, the newest first;
   * `'0'` (BEFORE_FIRST_STEP) reverses them all.
   */
  to: string;
  /** Backup before changing the file (default: on, `backups/` beside it); `false` to skip. */
  backup?: BackupOptions | false;
  log?: (message: string) => void;
  onEvent?: (event: RollbackEvent) => void;
  lockTimeoutMs?: number;
}

export interface RollbackResult {
  path: string;
  /** Tags reversed, newest first; empty when nothing was applied after `to`. */
  rolledBack: string[];
  backupPath: string | undefined;
}

/** `-- agentstate:irreversible <reason>` in a down migration: its author says it cannot be undone. */
const IRREVERSIBLE = /^\s*--\s*agentstate:irreversible\s*:?\s*(.*?)\s*$/m;

/** A step that cannot be reversed without losing data; nothing was changed. */
export class IrreversibleStepError extends MigrationError {
  override name = 'IrreversibleStepError';
  constructor(
    databasePath: string,
    readonly tag: string,
    readonly reason: string,
    /** The backup taken before the step was applied, to restore instead; undefined if none is left. */
    readonly preMigrationBackup: string | undefined,
  ) {
    super(
      'IRREVERSIBLE',
      `${databasePath}: cannot roll back ${tag} without losing data: ${reason}; nothing was changed. ` +
        (preMigrationBackup
          ? `The backup taken before ${tag} was applied is ${preMigrationBackup}: db:restore ` +
            `--from ${preMigrationBackup} brings the file back to it (changes made since are lost)`
          : `No backup taken before ${tag} was applied is left in ${defaultBackupDir(databasePath)}`),
      databasePath,
    );
  }
}

/** What a down removes from the schema, found by running it on an empty copy of the schema. */
interface Removal {
  tables: string[];
  columns: Array<{ table: string; column: string; default: string | null }>;
}

function removals(before: LiveSchema, after: LiveSchema): Removal {
  const tables = [...before.tables.keys()].filter((t) => !after.tables.has(t));
  const columns: Removal['columns'] = [];
  for (const [name, table] of before.tables) {
    const now = after.tables.get(name);
    if (!now) continue;
    for (const c of table.columns) {
      if (c.hidden === 0 && !now.columns.some((n) => n.name === c.name))
        columns.push({ table: name, column: c.name, default: c.default });
    }
  }
  return { tables, columns };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const LITERAL = /^(?:-?\d+(?:\.\d+)?|'(?:[^']|'')*'|true|false|null)$/i;

/**
 * Why running `removal` on the database now would lose data, or undefined: a dropped table with
 * rows, or a dropped column holding a value other than NULL and its constant default.
 */
function dataLoss(sqlite: SqliteConnection, removal: Removal): string | undefined {
  const reasons: string[] = [];
  // A table or column that is not there now is one an earlier down of the same rollback creates.
  for (const table of removal.tables.filter((t) => tableExists(sqlite, t))) {
    // A full-text index holds text derived from its table, which the up step backfills again.
    if (isFullTextIndex(sqlite, table)) continue;
    const rows = sqlite
      .prepare(`SELECT count(*) FROM ${quote(table)}`)
      .pluck()
      .get() as number;
    if (rows > 0) reasons.push(`it drops table ${table}, which has ${rows} row(s)`);
  }
  for (const { table, column, default: dflt } of removal.columns) {
    if (!columnExists(sqlite, table, column)) continue;
    const keeps =
      dflt !== null && LITERAL.test(dflt)
        ? `${quote(column)} IS NOT NULL AND ${quote(column)} IS NOT ${dflt}`
        : `${quote(column)} IS NOT NULL`;
    const rows = sqlite
      .prepare(`SELECT count(*) FROM ${quote(table)} WHERE ${keeps}`)
      .pluck()
      .get() as number;
    if (rows > 0)
      reasons.push(
        `it drops column ${table}.${column}, which holds values in ${rows} row(s)` +
          (dflt !== null && LITERAL.test(dflt) ? ` (other than its default ${dflt})` : ''),
      );
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The newest backup taken before `tags[i]` was applied (pre-migration backups are named by tag). */
function preMigrationBackup(path: string, tags: readonly string[]): string | undefined {
  if (path === ':memory:' || path === '') return undefined;
  const dir = defaultBackupDir(path);
  if (!existsSync(dir)) return undefined;
  const backups = listBackups(path, dir);
  for (const tag of tags) {
    const found = backups
      .filter((b) => basename(b).endsWith(`.${tag}.bak`))
      .sort()
      .at(-1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Reverses every applied step after `options.to` with their down migrations, with the migrator's
 * machinery: foreign keys off outside the transaction, `BEGIN IMMEDIATE`, the plan re-read under
 * the lock, a backup first, `PRAGMA foreign_key_check` after each step, one COMMIT for all (or
 * nothing). A step without a down, marked irreversible, or whose down would drop a table with
 * rows or a column holding values refuses with IrreversibleStepError, naming the reason and the
 * backup taken before the step was applied, and changes nothing.
 */
export async function rollback(
  sqlite: SqliteConnection,
  migrations: readonly Migration[],
  options: RollbackOptions,
): Promise<RollbackResult> {
  const path = sqlite.name;
  const targetIndex =
    options.to === BEFORE_FIRST_STEP ? -1 : migrations.findIndex((m) => m.tag === options.to);
  if (targetIndex < 0 && options.to !== BEFORE_FIRST_STEP) {
    throw new NotMigratableError(
      `${path}: ${JSON.stringify(options.to)} is not a migration of this database (${migrations.map((m) => m.tag).join(', ')})`,
      path,
    );
  }
  const reversing = () => {
    const plan = planMigrations(sqlite, migrations);
    assertMigratable(path, plan);
    const applied = new Set(plan.applied);
    const target = migrations[targetIndex];
    if (target && !applied.has(target))
      throw new NotMigratableError(
        `${path}: ${options.to} is not applied: nothing to return to`,
        path,
      );
    return migrations
      .slice(targetIndex + 1)
      .filter((m) => applied.has(m))
      .reverse();
  };
  const steps = reversing();
  if (steps.length === 0) return { path, rolledBack: [], backupPath: undefined };
  if (sqlite.readonly) throw new NotMigratableError(`${path} is open read-only`, path);
  if (sqlite.inTransaction)
    throw new NotMigratableError(`${path}: rollback() cannot run inside a transaction`, path);

  // Refuse before taking the lock or a backup when a step cannot be reversed at all.
  const plans = removalPlans(migrations, steps, path);
  /** What `step`'s down removes: planned above, or planned now for a step applied since. */
  const removalOf = (step: Migration): Removal => {
    const removal = plans.get(step.tag) ?? removalPlans(migrations, [step], path).get(step.tag);
    if (!removal) throw new Error(`rollback: no removal plan for ${step.tag}, which has a down`);
    return removal;
  };
  const refuse = (tag: string, reason: string) =>
    new IrreversibleStepError(
      path,
      tag,
      reason,
      preMigrationBackup(
        path,
        migrations
          .slice(targetIndex + 1, migrations.findIndex((m) => m.tag === tag) + 1)
          .map((m) => m.tag)
          .reverse(),
      ),
    );
  for (const step of steps) {
    const why = irreversible(step) ?? dataLoss(sqlite, removalOf(step));
    if (why) throw refuse(step.tag, why);
  }

  const log = options.log ?? defaultLog;
  const emit = options.onEvent ?? (() => {});
  const backs = options.backup !== false && !sqlite.memory && path !== '';
  return withForeignKeysOff(sqlite, async () => {
    beginImmediate(sqlite, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    let backupPath: string | undefined;
    let tag = '';
    try {
      emit({ type: 'locked' });
      const now = reversing();
      if (now.length === 0) {
        sqlite.exec('ROLLBACK');
        return { path, rolledBack: [], backupPath: undefined };
      }
      if (backs) {
        backupPath = await backupUnderLock(path, `rollback-to-${options.to}`, options.backup || {});
        emit({ type: 'backup', path: backupPath });
        log(`backed up ${path} to ${backupPath}`);
      }
      const rolledBack: string[] = [];
      for (const step of now) {
        tag = step.tag;
        emit({ type: 'rollback-start', tag });
        // Checked again under the lock: a writer may have filled a column since.
        const why = irreversible(step) ?? dataLoss(sqlite, removalOf(step));
        if (why) throw refuse(tag, why);
        const down = step.down;
        if (down === undefined) throw refuse(tag, 'it has no down migration');
        const counts = rowCounts(sqlite);
        try {
          for (const statement of migrationStatements({ sql: down })) sqlite.exec(statement);
        } catch (cause) {
          throw new MigrationFailedError(path, `${tag} (down)`, backupPath, cause);
        }
        // A down that drops rows of a table it keeps (a lossy rebuild) is refused too.
        for (const [table, before] of counts) {
          const after = tableExists(sqlite, table) ? rowCount(sqlite, table) : undefined;
          if (after !== undefined && after < before)
            throw refuse(
              tag,
              `its down leaves ${before - after} of ${before} row(s) of ${table} behind`,
            );
        }
        const violations = sqlite
          .prepare('PRAGMA foreign_key_check')
          .all() as ForeignKeyViolation[];
        if (violations.length > 0)
          throw new ForeignKeyViolationError(
            path,
            `the down migration of ${tag}`,
            violations,
            backupPath,
          );
        forget(sqlite, step);
        rolledBack.push(tag);
        emit({ type: 'rollback-done', tag });
      }
      sqlite.exec('COMMIT');
      emit({ type: 'committed', rolledBack });
      log(`${path}: rolled back ${rolledBack.join(', ')}`);
      return { path, rolledBack, backupPath };
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      if (error instanceof IrreversibleStepError || error instanceof MigrationError) throw error;
      throw new MigrationFailedError(path, `the rollback of ${tag}`, backupPath, error);
    }
  });
}

/** `-- agentstate:irreversible` or a missing down: the reason a step has no way back. */
function irreversible(step: Migration): string | undefined {
  if (step.down === undefined) return 'it has no down migration';
  const marked = IRREVERSIBLE.exec(step.down);
  if (marked) return `its down migration says so: ${marked[1] || 'no reason given'}`;
  return undefined;
}

/**
 * What each step's down removes: the steps up to it applied to an empty in-memory database, its
 * down run there, the schemas before and after compared. Rows are never involved.
 */
function removalPlans(
  migrations: readonly Migration[],
  steps: readonly Migration[],
  path: string,
): Map<string, Removal> {
  const plans = new Map<string, Removal>();
  for (const step of steps) {
    if (step.down === undefined) continue;
    const scratch = openSqlite(':memory:');
    scratch.pragma('foreign_keys = OFF');
    try {
      const upTo = migrations.slice(0, migrations.indexOf(step) + 1);
      for (const m of upTo) for (const s of migrationStatements(m)) scratch.exec(s);
      const before = readLiveSchema(scratch);
      try {
        for (const s of migrationStatements({ sql: step.down })) scratch.exec(s);
      } catch (cause) {
        // It fails on the step's bare schema: it cannot run on the file either.
        throw new MigrationFailedError(path, `${step.tag} (down)`, undefined, cause);
      }
      plans.set(step.tag, removals(before, readLiveSchema(scratch)));
    } finally {
      scratch.close();
    }
  }
  return plans;
}

function isFullTextIndex(sqlite: SqliteConnection, table: string): boolean {
  const sql = sqlite
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
    .pluck()
    .get(table) as string | null | undefined;
  return typeof sql === 'string' && /^CREATE VIRTUAL TABLE\b[\s\S]*\bUSING\s+fts5\b/i.test(sql);
}

function tableExists(sqlite: SqliteConnection, table: string): boolean {
  return (
    sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
    undefined
  );
}

function columnExists(sqlite: SqliteConnection, table: string, column: string): boolean {
  if (!tableExists(sqlite, table)) return false;
  const columns = sqlite.pragma(`table_xinfo(${quote(table)})`) as Array<{ name: string }>;
  return columns.some((c) => c.name === column);
}

function rowCount(sqlite: SqliteConnection, table: string): number {
  return sqlite
    .prepare(`SELECT count(*) FROM ${quote(table)}`)
    .pluck()
    .get() as number;
}

function rowCounts(sqlite: SqliteConnection): Map<string, number> {
  const names = sqlite
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '${MIGRATIONS_TABLE}'`,
    )
    .pluck()
    .all() as string[];
  return new Map(names.map((n) => [n, rowCount(sqlite, n)]));
}

/**
 * Removes a step's `__drizzle_migrations` row: by hash and journal time, else by hash (each hash
 * it may have been recorded under: a data step's older one too).
 */
function forget(sqlite: SqliteConnection, step: Migration): void {
  const hashes = recordedHashes(step);
  for (const hash of hashes) {
    const exact = sqlite
      .prepare(`DELETE FROM "${MIGRATIONS_TABLE}" WHERE hash = ? AND created_at = ?`)
      .run(hash, step.when);
    if (exact.changes > 0) return;
  }
  for (const hash of hashes) {
    const loose = sqlite
      .prepare(
        `DELETE FROM "${MIGRATIONS_TABLE}" WHERE rowid = (SELECT rowid FROM "${MIGRATIONS_TABLE}" WHERE hash = ? LIMIT 1)`,
      )
      .run(hash);
    if (loose.changes > 0) return;
  }
}
