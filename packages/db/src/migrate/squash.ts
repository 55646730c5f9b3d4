import type { SqliteConnection } from '../driver/types.ts';
import { applyStep } from './apply-step.ts';
import { InvalidMigrationsError } from './errors.ts';
import type { Migration } from './load-migrations.ts';
import type { MigrationPlan } from './plan.ts';
import { migrationStatements } from './statements.ts';

/** What the migrator applies and records at once: one step, or a squash of the first steps. */
export interface MigrationUnit {
  /** The step's tag; for a squash, `<first>..<last>`. */
  tag: string;
  /** The steps recorded in `__drizzle_migrations` once it is applied. */
  records: readonly Migration[];
  /** Set for a squash: the tag of its last step. */
  squashedTo?: string;
  apply: (sqlite: SqliteConnection) => void;
}

/** The step of a history that carries its squash (at most one: checked when it is loaded). */
export function squashStep(migrations: readonly Migration[]): Migration | undefined {
  return migrations.find((m) => m.squash !== undefined);
}

/** The history without its squash: what files already migrated step by step went through. */
export function withoutSquash(migrations: readonly Migration[]): readonly Migration[] {
  if (!squashStep(migrations)) return migrations;
  return migrations.map((m) => {
    if (!m.squash) return m;
    const { squash: _squash, ...step } = m;
    return step;
  });
}

/** Refuses a history with more than one squash: which one a new file takes would be a guess. */
export function checkSquashes(migrations: readonly Migration[], where: string): void {
  const squashed = migrations.filter((m) => m.squash !== undefined).map((m) => m.tag);
  if (squashed.length > 1)
    throw new InvalidMigrationsError(
      `${where}: ${squashed.join(' and ')} both carry a squash; keep one (pnpm db:squash replaces it)`,
    );
}

/**
 * The pending steps as the migrator applies them. A new file (no schema, nothing recorded) whose
 * history has a squash applies it as one step instead of the steps it covers, and records each of
 * their rows exactly as the history does: drizzle-orm's migrator then sees the last of them, and
 * this one applies the steps after the squash and nothing twice. Every other file (one with any
 * step applied, or any table) continues with the history.
 */
export function migrationUnits(
  plan: MigrationPlan,
  migrations: readonly Migration[],
  fileHasSchema: boolean,
): MigrationUnit[] {
  const single = (m: Migration): MigrationUnit => ({
    tag: m.tag,
    records: [m],
    apply: (sqlite) => applyStep(sqlite, m),
  });
  const step = squashStep(migrations);
  const end = step ? migrations.indexOf(step) : -1;
  const covered = migrations.slice(0, end + 1);
  const fresh =
    step?.squash !== undefined &&
    !fileHasSchema &&
    plan.applied.length === 0 &&
    covered.every((m, i) => plan.pending[i] === m);
  if (!fresh || !step?.squash) return plan.pending.map(single);
  const { sql } = step.squash;
  const squash: MigrationUnit = {
    tag: `${covered[0]?.tag ?? step.tag}..${step.tag}`,
    records: covered,
    squashedTo: step.tag,
    apply: (sqlite) => {
      for (const statement of migrationStatements({ sql })) sqlite.exec(statement);
      // A data step's function runs as in the history, on the squashed schema.
      for (const m of covered) if (m.data) applyStep(sqlite, m);
    },
  };
  return [squash, ...plan.pending.slice(covered.length).map(single)];
}
