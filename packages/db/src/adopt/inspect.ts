import type { SqliteConnection } from '../driver/types.ts';
import type { Migration } from '../migrate/load-migrations.ts';
import { readAppliedMigrations, type AppliedMigration } from '../migrate/migrations-table.ts';
import { planFromRecords } from '../migrate/plan.ts';
import { compareSchemas, type Difference } from './compare.ts';
import { readLiveSchema } from './live-schema.ts';
import { planOutsideTables, tablesOutsideSchema, type OutsideTable } from './outside-schema.ts';
import { rowCount } from './row-queries.ts';
import type { TargetStep } from './target-schema.ts';

/**
 * - `new`: no tables yet; the migrations create everything.
 * - `managed`: agentstate's migrations are recorded; the migrator takes it from there.
 * - `adoptable`: tables an original tool made, with no migration history or only the tool's own;
 *   every difference from agentstate's schema can be closed without changing a row.
 * - `conflict`: such tables, but some difference cannot be closed (see `differences`).
 * - `newer` / `edited`: recorded migrations this build does not know, or whose text changed; the
 *   migrator refuses these.
 */
export type AdoptionState = 'new' | 'managed' | 'adoptable' | 'conflict' | 'newer' | 'edited';

export interface Inspection {
  state: AdoptionState;
  /** Tags of agentstate's migrations recorded in the database. */
  applied: string[];
  /** Tags still to apply (after adoption, for an adoptable database). */
  pending: string[];
  /** Another tool's `__drizzle_migrations` rows (none of their hashes are agentstate's). */
  foreignHistory: AppliedMigration[];
  /**
   * For `adoptable`: the step whose schema the database is recorded at (its closable differences
   * closed). For `conflict`: the step it was compared with (fewest conflicts).
   */
  baseline?: TargetStep;
  /** Differences from the baseline's schema: all closable when adoptable. */
  differences: Difference[];
  /**
   * Tables outside the schema (outside-schema.ts), which adoption keeps: for `adoptable` and
   * `conflict` with the index renames adoption makes, for `managed` the tables only.
   */
  outsideSchema: OutsideTable[];
}

/**
 * Classifies a database and, for one an original tool made, finds the migration step whose schema
 * it matches best. Reads only. `steps` comes from `targetSteps(migrations)`.
 */
export function inspectDatabase(
  sqlite: SqliteConnection,
  migrations: readonly Migration[],
  steps: readonly TargetStep[],
): Inspection {
  const records = readAppliedMigrations(sqlite);
  const plan = planFromRecords(records, migrations);
  const tags = (list: readonly Migration[]) => list.map((m) => m.tag);
  const base = {
    applied: tags(plan.applied),
    pending: tags(plan.pending),
    differences: [],
    outsideSchema: [],
  };

  // Any of agentstate's own rows means the migrator owns this database, mixed histories included
  // (it refuses those as a newer database).
  const foreignOnly = records.length > 0 && plan.applied.length === 0 && plan.edited.length === 0;
  if (!foreignOnly) {
    if (plan.edited.length > 0) return { ...base, state: 'edited', foreignHistory: [] };
    if (plan.unknown.length > 0) return { ...base, state: 'newer', foreignHistory: [] };
    if (records.length > 0) {
      // Without the steps (a cheap open) there is nothing to tell the schema's tables by.
      const outside = steps.length > 0 ? tablesOutsideSchema(readLiveSchema(sqlite), steps) : [];
      const outsideSchema = outside.map((name) => ({
        name,
        rows: rowCount(sqlite, name),
        renamedIndexes: [],
      }));
      return { ...base, state: 'managed', foreignHistory: [], outsideSchema };
    }
  }
  const foreignHistory = foreignOnly ? records : [];
  const live = readLiveSchema(sqlite);
  if (live.tables.size === 0 && live.otherObjects.length === 0 && foreignHistory.length === 0) {
    return { ...base, state: 'new', foreignHistory };
  }
  if (steps.length === 0) {
    const differences = compareSchemas(sqlite, live, { tables: new Map(), otherObjects: [] });
    return { ...base, state: 'conflict', foreignHistory, differences };
  }
  const outsideNames = tablesOutsideSchema(live, steps);
  const outside = planOutsideTables(sqlite, live, steps);

  // The best step: no conflicts and the fewest differences to close; on a tie the earliest, so a
  // data migration between two steps with the same schema still runs.
  let best: { step: TargetStep; differences: Difference[]; conflicts: number } | undefined;
  for (const step of steps) {
    const differences = compareSchemas(sqlite, live, step.schema, outsideNames);
    const conflicts = differences.filter((d) => d.conflict !== undefined).length;
    const better =
      !best ||
      conflicts < best.conflicts ||
      (conflicts === best.conflicts &&
        (conflicts === 0
          ? differences.length < best.differences.length
          : true)); /* among conflicting steps, report against the latest */
    if (better) best = { step, differences, conflicts };
  }
  if (!best) throw new Error('adoption: no migration step to compare the database with');
  const { step, differences, conflicts } = best;
  return {
    applied: [],
    pending: tags(migrations.slice(step.index + 1)),
    foreignHistory,
    baseline: step,
    differences: [...differences, ...outside.conflicts],
    outsideSchema: outside.tables,
    state: conflicts === 0 && outside.conflicts.length === 0 ? 'adoptable' : 'conflict',
  };
}
