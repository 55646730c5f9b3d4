import type { SqliteConnection } from '../driver/types.ts';
import type { EditedMigration } from './errors.ts';
import { recordedHashes, type Migration } from './load-migrations.ts';
import { readAppliedMigrations, type AppliedMigration } from './migrations-table.ts';

export interface MigrationPlan {
  /** Known migrations the database has recorded. */
  applied: Migration[];
  /** Known migrations not recorded yet, in journal order: what `migrate` would apply. */
  pending: Migration[];
  /** Recorded migrations this build does not know at all: a newer version wrote them. */
  unknown: AppliedMigration[];
  /** Recorded migrations whose text changed since (same journal time, different hash). */
  edited: EditedMigration[];
}

/** Compares a database's recorded migrations with the known ones. Reads only. */
export function planMigrations(
  sqlite: SqliteConnection,
  migrations: readonly Migration[],
): MigrationPlan {
  return planFromRecords(readAppliedMigrations(sqlite), migrations);
}

/**
 * Pending means "not recorded by hash", whatever its timestamp: unlike drizzle-orm, which applies
 * only migrations newer than the last recorded one (issues 5316, 5769), a migration merged later
 * with an older timestamp is still applied.
 *
 * A row matches a migration by hash and journal time; then by hash alone (the journal time was
 * edited); a remaining row with a known journal time is an edited migration; the rest are unknown.
 */
export function planFromRecords(
  records: readonly AppliedMigration[],
  migrations: readonly Migration[],
): MigrationPlan {
  const remaining = new Set(migrations);
  const unmatched: AppliedMigration[] = [];
  const byKey = new Map<string, Migration>();
  // A data step recorded before its source was hashed matches by its SQL's hash (recordedHashes).
  for (const m of migrations)
    for (const hash of recordedHashes(m)) byKey.set(`${hash}@${m.when}`, m);

  for (const record of records) {
    const m = byKey.get(`${record.hash}@${record.createdAt}`);
    if (m && remaining.has(m)) remaining.delete(m);
    else unmatched.push(record);
  }

  const edited: EditedMigration[] = [];
  const unknown: AppliedMigration[] = [];
  if (unmatched.length > 0) {
    const take = (predicate: (m: Migration) => boolean) => {
      for (const m of remaining) {
        if (predicate(m)) {
          remaining.delete(m);
          return m;
        }
      }
      return undefined;
    };
    const unmatchedByTime: AppliedMigration[] = [];
    for (const record of unmatched) {
      if (!take((m) => recordedHashes(m).includes(record.hash))) unmatchedByTime.push(record);
    }
    for (const record of unmatchedByTime) {
      const m = take((candidate) => candidate.when === record.createdAt);
      if (m) edited.push({ tag: m.tag, hash: m.hash, recorded: record });
      else unknown.push(record);
    }
  }

  const applied: Migration[] = [];
  const pending: Migration[] = [];
  for (const m of migrations) (remaining.has(m) ? pending : applied).push(m);
  return { applied, pending, unknown, edited };
}
