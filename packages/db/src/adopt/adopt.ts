import type { SqliteConnection } from '../driver/types.ts';
import { NotMigratableError } from '../migrate/errors.ts';
import type { Migration } from '../migrate/load-migrations.ts';
import {
  backupUnderLock,
  beginImmediate,
  defaultLog,
  withForeignKeysOff,
  type BackupOptions,
} from '../migrate/schema-change.ts';
import {
  ensureMigrationsTable,
  MIGRATIONS_TABLE,
  recordMigration,
  type AppliedMigration,
} from '../migrate/migrations-table.ts';
import { compareSchemas, type Difference } from './compare.ts';
import { renameInCreateTable } from './create-statement.ts';
import { inspectDatabase, type AdoptionState, type Inspection } from './inspect.ts';
import {
  ADOPTED_MIGRATIONS_TABLE,
  readLiveSchema,
  type LiveSchema,
  type TableSchema,
} from './live-schema.ts';
import { renamedDefinition, type OutsideTable, type RenamedIndex } from './outside-schema.ts';
import { formatDifference, formatOutsideTables, AdoptionConflictError } from './report.ts';
import { quoteId, tableFingerprint } from './row-queries.ts';
import { targetSteps, type TargetStep } from './target-schema.ts';

export interface AdoptOptions {
  /** Backup before the first change (default: on, `backups/` beside the file); `false` to skip. */
  backup?: BackupOptions | false;
  /** How long to wait for another process's write lock (default 60 s). */
  lockTimeoutMs?: number;
  /** Human-readable progress; default stderr. */
  log?: (message: string) => void;
}

export interface AdoptResult {
  /** The state found; adoption ran only when it was `adoptable`. */
  state: AdoptionState;
  adopted: boolean;
  /** The migration the database was recorded at. */
  baseline: string | undefined;
  /** The differences closed, in the order found. */
  closed: Difference[];
  /** Another tool's migration rows, now kept in `__agentstate_adopted_migrations`. */
  foreignHistory: AppliedMigration[];
  /** Tables outside the schema, kept untouched, and which of their indexes were renamed. */
  outsideSchema: OutsideTable[];
  backupPath: string | undefined;
}

/**
 * Adopts a database an original tool created (no migration history, or only the tool's own), so the
 * migrator can manage it. Under one `BEGIN IMMEDIATE` and after a backup: closes the differences
 * from the best-matching migration step without changing a row, checks that every row of every
 * table kept every value and that the schema now equals the step's exactly (tables outside the
 * schema kept as they were, only their indexes whose names the schema needs recreated under new
 * ones), moves foreign migration rows to `__agentstate_adopted_migrations`, and records
 * agentstate's migrations up to that step.
 * The remaining migrations are the migrator's job. Refuses a conflict with AdoptionConflictError,
 * writing nothing. Does nothing to a new or managed database.
 */
export async function adoptDatabase(
  sqlite: SqliteConnection,
  migrations: readonly Migration[],
  options: AdoptOptions = {},
): Promise<AdoptResult> {
  const path = sqlite.name;
  const steps = await targetSteps(migrations);
  const quick = inspectDatabase(sqlite, migrations, steps);
  if (quick.state !== 'adoptable') return notAdopted(path, quick);
  if (sqlite.readonly)
    throw new NotMigratableError(`${path} is open read-only and needs adoption`, path);
  if (sqlite.inTransaction)
    throw new NotMigratableError(`${path}: adoption cannot run inside a transaction`, path);

  const log = options.log ?? defaultLog;
  return withForeignKeysOff(sqlite, async () => {
    beginImmediate(sqlite, options.lockTimeoutMs);
    try {
      // Again under the write lock: another process may have adopted or migrated it meanwhile.
      const inspection = inspectDatabase(sqlite, migrations, steps);
      if (inspection.state !== 'adoptable') {
        sqlite.exec('ROLLBACK');
        return notAdopted(path, inspection);
      }
      const step = inspection.baseline;
      if (!step) throw new Error(`${path}: adoptable, but inspection chose no baseline step`);
      let backupPath: string | undefined;
      if (options.backup !== false && !sqlite.memory && path !== '') {
        backupPath = await backupUnderLock(path, `adopt-${step.tag}`, options.backup ?? {});
        log(`backed up ${path} to ${backupPath}`);
      }
      closeDifferences(sqlite, step, inspection.differences, inspection.outsideSchema);
      recordBaseline(sqlite, step, inspection.foreignHistory.length > 0);
      sqlite.exec('COMMIT');
      const kept = formatOutsideTables(inspection.outsideSchema);
      log(
        `${path}: adopted at ${step.tag}` +
          (inspection.differences.length > 0
            ? ` (closed: ${inspection.differences.map((d) => d.subject).join('; ')})`
            : '') +
          (kept.length > 0 ? `; ${kept.join('; ')}` : ''),
      );
      return {
        state: 'adoptable',
        adopted: true,
        baseline: step.tag,
        closed: inspection.differences,
        foreignHistory: inspection.foreignHistory,
        outsideSchema: inspection.outsideSchema,
        backupPath,
      };
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw error;
    }
  });
}

function notAdopted(path: string, inspection: Inspection): AdoptResult {
  if (inspection.state === 'conflict') {
    throw new AdoptionConflictError(path, inspection.baseline?.tag, inspection.differences);
  }
  return {
    state: inspection.state,
    adopted: false,
    baseline: undefined,
    closed: [],
    foreignHistory: [],
    outsideSchema: inspection.outsideSchema,
    backupPath: undefined,
  };
}

/**
 * Runs inside the adoption's transaction; throws (so it rolls back) if any row or value changed, or
 * a table outside the schema changed beyond the renamed indexes.
 */
function closeDifferences(
  sqlite: SqliteConnection,
  step: TargetStep,
  differences: readonly Difference[],
  outside: readonly OutsideTable[],
): void {
  const before = readLiveSchema(sqlite);
  const target = step.schema;
  const fingerprints = new Map<
    string,
    { columns: string[]; value: ReturnType<typeof tableFingerprint> }
  >();
  for (const [name, table] of before.tables) {
    const columns = table.columns.map((c) => c.name);
    fingerprints.set(name, { columns, value: tableFingerprint(sqlite, name, columns) });
  }

  const tablesWith = (fix: Difference['fix']) =>
    new Set(differences.filter((d) => d.fix === fix).map((d) => d.table));
  const rebuilt = tablesWith('rebuild-table');
  const created = tablesWith('create-table');
  const indexFixes = differences.flatMap(({ fix, table, index }) =>
    index && !rebuilt.has(table) ? [{ fix, table, index }] : [],
  );

  // First, so the names are free for the schema's indexes.
  const renames = outside.flatMap((t) => t.renamedIndexes);
  for (const rename of renames) {
    sqlite.exec(rename.sql);
    sqlite.exec(`DROP INDEX ${quoteId(rename.from)}`);
  }
  for (const d of indexFixes) {
    if (d.fix === 'drop-index' || d.fix === 'replace-index')
      sqlite.exec(`DROP INDEX ${quoteId(d.index)}`);
  }
  for (const name of created) {
    const table = planned(target, name);
    sqlite.exec(table.sql);
    for (const index of table.indexes) sqlite.exec(index.sql);
  }
  for (const name of rebuilt) rebuildTable(sqlite, planned(before, name), planned(target, name));
  for (const d of indexFixes) {
    if (d.fix === 'create-index' || d.fix === 'replace-index') {
      const index = planned(target, d.table).indexes.find((i) => i.name === d.index);
      if (!index) throw new Error(`adoption: the schema has no index ${d.index} on ${d.table}`);
      sqlite.exec(index.sql);
    }
  }

  const after = readLiveSchema(sqlite);
  const remaining = compareSchemas(
    sqlite,
    after,
    target,
    outside.map((t) => t.name),
  );
  if (remaining.length > 0) {
    throw new Error(
      `${sqlite.name}: adoption did not reach the schema of ${step.tag} ` +
        `(${remaining.map(formatDifference).join('; ')}); it was rolled back`,
    );
  }
  for (const { name } of outside) {
    const was = planned(before, name);
    const now = after.tables.get(name);
    const indexes = (table: TableSchema, list: readonly RenamedIndex[]) =>
      table.indexes.map((i) => renamedDefinition(i, list)).sort();
    if (now?.sql !== was.sql || indexes(now, []).join() !== indexes(was, renames).join()) {
      throw new Error(
        `${sqlite.name}: adoption would have changed ${name}, a table outside the schema; it was rolled back`,
      );
    }
  }
  for (const [name, { columns, value }] of fingerprints) {
    const now = tableFingerprint(sqlite, name, columns);
    if (now.rows !== value.rows || now.sha256 !== value.sha256) {
      throw new Error(
        `${sqlite.name}: adoption would have changed rows of ${name} ` +
          `(${value.rows} rows before, ${now.rows} after); it was rolled back`,
      );
    }
  }
  const violations = sqlite.pragma('foreign_key_check') as unknown[];
  if (violations.length > 0) {
    throw new Error(
      `${sqlite.name}: adoption would leave ${violations.length} row(s) without their parent; it was rolled back`,
    );
  }
}

/**
 * The 12-step rebuild (https://sqlite.org/lang_altertable.html#otheralter), foreign keys already
 * off: create the table as the target defines it under a temporary name, copy every row (rowids
 * included, so rowid order survives), drop the old table, rename, recreate the indexes.
 */
function rebuildTable(sqlite: SqliteConnection, live: TableSchema, target: TableSchema): void {
  const temporary = `__agentstate_rebuild_${target.name}`;
  sqlite.exec(renameInCreateTable(target.sql, temporary));
  const targetColumns = new Set(target.columns.map((c) => c.name));
  const columns = live.columns
    .filter((c) => c.hidden === 0 && targetColumns.has(c.name))
    .map((c) => quoteId(c.name));
  const keepRowid = !live.withoutRowid && !target.withoutRowid && !hasRowidAlias(target);
  const list = [...(keepRowid ? ['rowid'] : []), ...columns].join(', ');
  sqlite.exec(
    `INSERT INTO ${quoteId(temporary)} (${list}) SELECT ${list} FROM ${quoteId(live.name)}`,
  );
  sqlite.exec(`DROP TABLE ${quoteId(live.name)}`);
  sqlite.exec(`ALTER TABLE ${quoteId(temporary)} RENAME TO ${quoteId(target.name)}`);
  for (const index of target.indexes) sqlite.exec(index.sql);
}

/** A table the differences name: they were computed from these schemas, so it is there. */
function planned(schema: LiveSchema, name: string): TableSchema {
  const table = schema.tables.get(name);
  if (!table) throw new Error(`adoption: table ${name} is not in the schema it was planned from`);
  return table;
}

/** A single INTEGER PRIMARY KEY column is the rowid itself: it is copied as a column. */
function hasRowidAlias(table: TableSchema): boolean {
  const pk = table.columns.filter((c) => c.pk > 0);
  return !table.withoutRowid && pk.length === 1 && pk[0]?.type === 'integer';
}

/**
 * Records agentstate's migrations up to the baseline. Another tool's rows (hashes agentstate cannot
 * know) move to `__agentstate_adopted_migrations` unchanged, so the history stays for audit and the
 * migrator does not take them for a newer version's.
 */
function recordBaseline(
  sqlite: SqliteConnection,
  step: TargetStep,
  hasForeignHistory: boolean,
): void {
  if (hasForeignHistory) {
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS ${quoteId(ADOPTED_MIGRATIONS_TABLE)} (` +
        'id, hash text NOT NULL, created_at numeric, adopted_at text NOT NULL)',
    );
    sqlite
      .prepare(
        `INSERT INTO ${quoteId(ADOPTED_MIGRATIONS_TABLE)} (id, hash, created_at, adopted_at) ` +
          `SELECT id, hash, created_at, ? FROM ${quoteId(MIGRATIONS_TABLE)}`,
      )
      .run(new Date().toISOString());
    sqlite.exec(`DELETE FROM ${quoteId(MIGRATIONS_TABLE)}`);
  }
  ensureMigrationsTable(sqlite);
  for (const migration of step.applied) recordMigration(sqlite, migration);
}

/**
 * The backup reads through a second connection: this one holds the write lock but has not written,
 * so the copy is the database exactly as it was before adoption.
 */
