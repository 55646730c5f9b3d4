import type { SqliteConnection } from '../driver/types.ts';
import { compareSchemas } from '../adopt/compare.ts';
import { readLiveSchema, type LiveSchema } from '../adopt/live-schema.ts';
import { tablesOutsideSchema } from '../adopt/outside-schema.ts';
import { targetSteps } from '../adopt/target-schema.ts';
import { withoutDataWork } from './apply-step.ts';
import { MigrationError } from './errors.ts';
import type { Migration } from './load-migrations.ts';
import { planMigrations } from './plan.ts';

/** One way a managed file's schema differs from what its applied migrations produce. */
export interface Drift {
  /** `sessions index idx_x`, `sessions.url`, `view v`... */
  subject: string;
  /** What the applied migrations produce. */
  expected: string;
  /** What the file has. */
  found: string;
}

const EMPTY: LiveSchema = { tables: new Map(), otherObjects: [] };

/** The schema `migrations` produce when applied in order (built in memory by the real migrator). */
async function schemaOf(applied: readonly Migration[]): Promise<LiveSchema> {
  const last = (await targetSteps(applied)).at(-1);
  return last?.schema ?? EMPTY;
}

// Applied lists are rebuilt per call: cache their schemas by the steps they hold.
const schemas = new Map<string, Promise<LiveSchema>>();

/**
 * How a managed database's live schema differs from the one its applied migrations produce: a
 * hand-made index, a dropped or added column, a changed default, a view or trigger. Tables no step
 * of the history has are the user's (listed by status as outside the schema), not drift. Reads
 * only; empty for a file with no applied migration.
 */
export async function schemaDrift(
  sqlite: SqliteConnection,
  migrations: readonly Migration[],
): Promise<Drift[]> {
  const plan = planMigrations(sqlite, migrations);
  if (plan.applied.length === 0) return [];
  const key = plan.applied.map((m) => m.hash).join();
  let expected = schemas.get(key);
  if (!expected) {
    expected = schemaOf(withoutDataWork(plan.applied));
    schemas.set(key, expected);
  }
  const target = await expected;
  const live = readLiveSchema(sqlite);
  const outside = tablesOutsideSchema(live, await targetSteps(withoutDataWork(migrations)));
  return compareSchemas(sqlite, live, target, outside).map((d) => ({
    subject: d.subject,
    expected: d.expected,
    found: d.found,
  }));
}

/** `sessions index idx_x: expected none, found (url)` */
export function formatDrift(drift: Drift): string {
  return `${drift.subject}: expected ${drift.expected}, found ${drift.found}`;
}

/** `db:migrate` on a file whose schema is not what its applied migrations produce. */
export class DriftError extends MigrationError {
  override name = 'DriftError';
  constructor(
    databasePath: string,
    readonly drift: readonly Drift[],
  ) {
    super(
      'DRIFT',
      `${databasePath}: its schema differs from what its applied migrations produce ` +
        `(${drift.length} difference${drift.length === 1 ? '' : 's'}, the first ${drift[0] ? formatDrift(drift[0]) : 'none'}); ` +
        'nothing was changed. Undo the change by hand, or migrate anyway with --accept-drift ' +
        '(acceptDrift: true), which keeps it',
      databasePath,
    );
  }

  /** What a command prints under its one error line: the drift, one line each. */
  get details(): string[] {
    return this.drift.map(formatDrift);
  }
}
