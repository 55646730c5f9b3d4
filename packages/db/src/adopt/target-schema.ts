import { openSqlite } from '../driver/sync-driver.ts';
import type { Migration } from '../migrate/load-migrations.ts';
import { withoutDataWork } from '../migrate/apply-step.ts';
import { migrate } from '../migrate/migrate.ts';
import { readLiveSchema, type LiveSchema } from './live-schema.ts';

/** The schema a database has right after one migration of its history. */
export interface TargetStep {
  /** Position in the history: migrations[0..index] are applied. */
  index: number;
  tag: string;
  /** The migrations a database at this step has applied, in order. */
  applied: readonly Migration[];
  schema: LiveSchema;
}

const cache = new WeakMap<readonly Migration[], Promise<TargetStep[]>>();

/**
 * What this project's migrations produce, after each one: the real migrator applies them one at a
 * time to a scratch `:memory:` database, which is read after every step. Cached per migration list.
 */
export function targetSteps(migrations: readonly Migration[]): Promise<TargetStep[]> {
  let steps = cache.get(migrations);
  if (!steps) {
    steps = buildSteps(migrations);
    cache.set(migrations, steps);
  }
  return steps;
}

async function buildSteps(migrations: readonly Migration[]): Promise<TargetStep[]> {
  const scratch = openSqlite(':memory:');
  try {
    scratch.pragma('foreign_keys = ON');
    const steps: TargetStep[] = [];
    // The schema only: data steps' functions do not run here.
    const building = withoutDataWork(migrations);
    for (const [index, { tag }] of migrations.entries()) {
      const applied = migrations.slice(0, index + 1);
      await migrate(scratch, building.slice(0, index + 1), { backup: false, log: () => {} });
      steps.push({ index, tag, applied, schema: readLiveSchema(scratch) });
    }
    return steps;
  } finally {
    scratch.close();
  }
}
