import type { Client, InStatement } from '@libsql/client';
import { isDataStep } from '@agentstate/schema/data-migration';
import { isBusy } from '../driver/libsql.ts';
import { DriftError } from './drift.ts';
import {
  ForeignKeyViolationError,
  MigrationFailedError,
  NotMigratableError,
  type ForeignKeyViolation,
} from './errors.ts';
import type { Migration } from './load-migrations.ts';
import { assertMigratable } from './migrate.ts';
import {
  CREATE_MIGRATIONS_TABLE_SQL,
  MIGRATIONS_TABLE,
  RECORD_MIGRATION_SQL,
} from './migrations-table.ts';
import { planFromRecords } from './plan.ts';
import { DEFAULT_LOCK_TIMEOUT_MS, defaultLog } from './schema-change.ts';
import {
  hasUserObjects,
  readServerSchema,
  serverDrift,
  type ServerSchema,
} from './server-schema.ts';
import { migrationStatements } from './statements.ts';

/** Progress of a migration through a libSQL client. A returned promise is awaited. */
export type LibsqlMigrateEvent =
  | { type: 'planned'; pending: string[] }
  /** The batch did not commit and is planned again: a lock was busy, or another migrator applied steps. */
  | { type: 'retry'; reason: 'busy' | 'applied-elsewhere' }
  | { type: 'committed'; applied: string[] };

export interface LibsqlMigrateOptions {
  /** Migrate a database whose schema differs from what its applied migrations produce. */
  acceptDrift?: boolean;
  log?: (message: string) => void;
  onEvent?: (event: LibsqlMigrateEvent) => void | Promise<void>;
  /** How long to keep retrying while another writer holds the lock (default 60 s). */
  lockTimeoutMs?: number;
  /**
   * A fresh client for the next attempt after SQLITE_BUSY (the caller closes the old one): the
   * client's `migrate` leaves the statement that met the busy lock unreset on its connection, so
   * every later COMMIT there fails "SQL statements in progress" until that statement is
   * garbage-collected (libsql-client-ts #352).
   */
  reconnect?: () => Promise<Client>;
}

export interface LibsqlMigrateResult {
  url: string;
  /** `new`: the database had no table; `managed`: it had `__drizzle_migrations`. */
  stateBefore: 'new' | 'managed';
  /** Tags applied by this call, in order; empty when the database was up to date. */
  applied: string[];
}

/** The one line every migration of a server prints: there is no file to copy. */
export const NO_BACKUP_NOTE =
  'no backup is made of a libSQL server before migrating (there is no file to copy): ' +
  "rely on Turso's point-in-time restore or take a dump first";

/**
 * Migrates a libSQL database through its client: a server (`libsql://`, `http(s)://`, `ws(s)://`)
 * or, the same code path, a `file:` URL. The guarantees of the file migrator, held with what a
 * server allows:
 *
 * - A server has no connection this process can keep between statements outside a transaction,
 *   and `PRAGMA foreign_keys` is a no-op inside one (`transaction('write')` sends BEGIN first).
 *   `client.migrate()` is the one call that switches foreign keys off on the connection (stream)
 *   that then runs BEGIN, the statements, COMMIT (or ROLLBACK on the first failure), and switches
 *   them on again, in one round trip. So every pending step goes into that one batch: a table
 *   rebuild cannot cascade-delete children (drizzle-orm issue 5782), and the run is all or
 *   nothing, as drizzle-orm's libsql migrator (which uses the same call) also is.
 * - A batch cannot branch on what it reads, so the checks fail the batch instead: its first write
 *   takes the write lock, then a guard fails if the applied list is no longer what was planned
 *   (another migrator committed meanwhile: plan again), and after each step a guard fails on any
 *   `PRAGMA foreign_key_check` row.
 * - Drift, edited or newer histories are refused before anything is sent (drift.ts on a copy of
 *   the server's schema); TypeScript data steps need a synchronous connection and are refused.
 * - No backup: there is no file to copy (NO_BACKUP_NOTE).
 */
export async function migrateLibsql(
  client: Client,
  url: string,
  migrations: readonly Migration[],
  options: LibsqlMigrateOptions = {},
): Promise<LibsqlMigrateResult> {
  const log = options.log ?? defaultLog;
  const emit = async (event: LibsqlMigrateEvent) => {
    await options.onEvent?.(event);
  };
  const deadline = Date.now() + (options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  let noted = false;
  let current = client;
  for (;;) {
    const client = current;
    try {
      const schema = await readServerSchema(client);
      const stateBefore = schema.records === undefined ? 'new' : 'managed';
      const plan = planFromRecords(schema.records ?? [], migrations);
      assertMigratable(url, plan);
      if (plan.pending.length === 0) return { url, stateBefore, applied: [] };
      await refuseUnmigratable(client, url, schema, plan.pending, migrations, options);

      await emit({ type: 'planned', pending: plan.pending.map((m) => m.tag) });
      if (!noted) log(`${url}: ${NO_BACKUP_NOTE}`);
      noted = true;
      const batch = migrationBatch(
        plan.pending,
        (schema.records ?? []).map((r) => r.hash),
      );
      try {
        await client.migrate(batch.statements);
      } catch (error) {
        const part = batch.parts[statementIndexOf(error) ?? -1];
        if (part?.kind === 'guard' && Date.now() < deadline) {
          await emit({ type: 'retry', reason: 'applied-elsewhere' });
          continue;
        }
        if (isBusy(error)) throw error;
        if (part?.kind === 'foreign-key-check') {
          const { total, sample } = violationsOf(error);
          throw new ForeignKeyViolationError(url, part.tag, sample, undefined, total);
        }
        const tag = part && 'tag' in part ? part.tag : (plan.pending[0]?.tag ?? '');
        throw new MigrationFailedError(url, tag, undefined, error);
      }
      const applied = plan.pending.map((m) => m.tag);
      await emit({ type: 'committed', applied });
      log(`${url}: applied ${applied.join(', ')}`);
      return { url, stateBefore, applied };
    } catch (error) {
      // Another writer holds the lock (a read can be busy too on a file not in WAL mode): the
      // batch rolled back, so plan again after a short random pause.
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await emit({ type: 'retry', reason: 'busy' });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 45));
      if (options.reconnect) current = await options.reconnect();
    }
  }
}

/** What the migrator refuses before sending anything: a foreign database, a data step, drift. */
async function refuseUnmigratable(
  client: Client,
  url: string,
  schema: ServerSchema,
  pending: readonly Migration[],
  migrations: readonly Migration[],
  options: LibsqlMigrateOptions,
): Promise<void> {
  if (schema.records === undefined && hasUserObjects(schema)) {
    throw new NotMigratableError(
      `${url} has tables but no ${MIGRATIONS_TABLE}: a database an original tool made is adopted ` +
        'from a copy of its file (agentstate migrate --path), not through a libSQL client',
      url,
    );
  }
  const dataStep = pending.find((m) => isDataStep(m));
  if (dataStep) {
    throw new NotMigratableError(
      `${url} needs migration ${dataStep.tag}, a TypeScript data migration: it runs on a ` +
        'synchronous connection, which a libSQL server does not have; migrate a copy of its ' +
        'file (agentstate migrate --path) and load that into the server',
      url,
    );
  }
  if (schema.records !== undefined && !options.acceptDrift) {
    const drift = await serverDrift(client, schema, migrations);
    if (drift.length > 0) throw new DriftError(url, drift);
  }
}

type Part =
  { kind: 'setup' | 'guard' } | { kind: 'step' | 'foreign-key-check' | 'record'; tag: string };

/** The batch `client.migrate` runs, and what each of its statements is for. */
function migrationBatch(pending: readonly Migration[], appliedHashes: readonly string[]) {
  const statements: InStatement[] = [];
  const parts: Part[] = [];
  const add = (statement: InStatement, part: Part) => {
    statements.push(statement);
    parts.push(part);
  };
  const table = `"${MIGRATIONS_TABLE}"`;
  // drizzle-orm's own statement (sqlite_master reads the same whichever migrator made it); a
  // write when the table is new, else a read, so the next statement takes the write lock.
  add(CREATE_MIGRATIONS_TABLE_SQL, { kind: 'setup' });
  add(`DELETE FROM ${table} WHERE 0`, { kind: 'setup' });
  // The applied list read again, now under the lock.
  add(
    {
      sql: failWhen(
        `(SELECT count(*) FROM ${table}) <> ${appliedHashes.length} OR ` +
          `(SELECT count(*) FROM ${table} WHERE hash IN (SELECT value FROM json_each(?))) <> ${appliedHashes.length}`,
        "'agentstate: the applied migrations changed since they were read'",
      ),
      args: [JSON.stringify(appliedHashes)],
    },
    { kind: 'guard' },
  );
  for (const migration of pending) {
    const tag = migration.tag;
    for (const statement of migrationStatements(migration)) add(statement, { kind: 'step', tag });
    add(
      failWhen(
        'EXISTS (SELECT 1 FROM pragma_foreign_key_check)',
        // Columns renamed by position: `rowid` would name the pragma table's own row number.
        `(WITH v(t, r, p, f) AS (SELECT * FROM pragma_foreign_key_check LIMIT ${VIOLATION_SAMPLE}) ` +
          `SELECT 'agentstate: foreign key violations ' || json_object('total', ` +
          `(SELECT count(*) FROM pragma_foreign_key_check), 'sample', json_group_array(json_object(` +
          `'table', t, 'rowid', r, 'parent', p, 'fkid', f))) FROM v)`,
      ),
      { kind: 'foreign-key-check', tag },
    );
    add(
      { sql: RECORD_MIGRATION_SQL, args: [migration.hash, migration.when] },
      { kind: 'record', tag },
    );
  }
  return { statements, parts };
}

const VIOLATION_SAMPLE = 100;

/**
 * A statement that fails, with `message` (an SQL text expression) in its error, when `condition`
 * holds: plain SQL has no RAISE outside triggers, and a JSON path not starting with `$` is an
 * error that quotes the path.
 */
function failWhen(condition: string, message: string): string {
  return `SELECT json_extract('{}', CASE WHEN ${condition} THEN ${message} ELSE '$' END)`;
}

/** Which statement of a batch failed (@libsql/client's LibsqlBatchError). */
function statementIndexOf(error: unknown): number | undefined {
  const index = (error as { statementIndex?: unknown } | null)?.statementIndex;
  return typeof index === 'number' ? index : undefined;
}

/** The violations the foreign-key guard put into its error. */
function violationsOf(error: unknown): { total: number; sample: ForeignKeyViolation[] } {
  const message = error instanceof Error ? error.message : String(error);
  const match = /foreign key violations (\{.*\})'/s.exec(message);
  if (!match?.[1]) return { total: 0, sample: [] };
  // SQLite quotes the path as %Q: single quotes inside it are doubled.
  const parsed = JSON.parse(match[1].replace(/''/g, "'")) as {
    total: number;
    sample: ForeignKeyViolation[];
  };
  return parsed;
}
