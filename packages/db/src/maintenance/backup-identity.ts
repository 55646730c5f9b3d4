import type { SqliteConnection } from '../driver/types.ts';
import { isBookkeepingTable } from '../adopt/live-schema.ts';
import { targetSteps, type TargetStep } from '../adopt/target-schema.ts';
import { databaseNames, type DatabaseName } from '../database-names.ts';
import { loadMigrations, type Migration } from '../migrate/load-migrations.ts';
import { readAppliedMigrations, type AppliedMigration } from '../migrate/migrations-table.ts';
import { planFromRecords, type MigrationPlan } from '../migrate/plan.ts';

/** What a file holds, read once through its connection: its migration rows and its tables. */
export interface FileContents {
  records: AppliedMigration[];
  /** User tables (bookkeeping excluded), in name order. */
  tables: string[];
}

export function readFileContents(sqlite: SqliteConnection): FileContents {
  const tables = (
    sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[]
  ).filter((name) => !isBookkeepingTable(name));
  return { records: readAppliedMigrations(sqlite), tables };
}

/** A backup of the database: restorable. `pending` are migrations this build has that it lacks. */
export interface BackupOf {
  ok: true;
  pending: string[];
}

/** Not a backup of the database: `reason` says what the file is instead, starting with its path. */
export interface NotBackupOf {
  ok: false;
  reason: string;
}

/**
 * Decides whether a file is a backup of `name`: it must record `name`'s migrations (all known to
 * this build) and have the tables those migrations create. Otherwise the reason names what it is:
 * an empty database, another database's backup (by its migration hashes), a backup from a newer
 * schema, or a file without agentstate's history, which an original tool made (recognised by its
 * tables) or nothing agentstate knows.
 */
export async function judgeBackup(
  contents: FileContents,
  name: DatabaseName,
  /** The file as the user named it, for the messages. */
  path: string,
): Promise<BackupOf | NotBackupOf> {
  const { records, tables } = contents;
  const no = (reason: string): NotBackupOf => ({ ok: false, reason: `${path}: ${reason}` });
  const migrations = loadMigrations(name);
  const own = planFromRecords(records, migrations);
  const knownHere = own.applied.length + own.edited.length;

  if (records.length === 0 || knownHere === 0) {
    const other = records.length > 0 ? databaseWithHistory(records, name) : undefined;
    if (other) {
      return no(
        `is a backup of the ${other.name} database (its migration history is ${other.name}'s, ` +
          `up to ${other.latest}), not of ${name}; restore it with --db ${other.name}`,
      );
    }
    if (tables.length === 0 && records.length === 0)
      return no('is an empty SQLite database (no tables), not a backup');
    const history =
      records.length === 0
        ? 'no agentstate migration history'
        : `no agentstate migration history; its ${records.length} __drizzle_migrations row(s) are not agentstate's`;
    const like = await resemblance(tables);
    if (like === name) {
      return no(
        `is a file the original ${name} tool made (${history}), not a backup; ` +
          `pnpm db:migrate --db ${name} --path ${path} adopts such a file in place`,
      );
    }
    if (like) {
      return no(
        `looks like a file the original ${like} tool made (tables ${list(tables)}; ${history}), ` +
          `not a backup of ${name}`,
      );
    }
    return no(
      `is an SQLite database with ${history} and tables that match none of agentstate's databases ` +
        `(${tables.length === 0 ? 'none' : list(tables)}), not a backup of ${name}`,
    );
  }

  if (own.edited.length > 0) {
    return no(
      `records ${name} migration ${own.edited.map((e) => e.tag).join(', ')} with a text that differs ` +
        `from this version's: it was written by another build of the ${name} schema; restore it with that build`,
    );
  }
  if (own.unknown.length > 0) {
    const mixed = databaseWithHistory(own.unknown, name);
    if (mixed) {
      return no(
        `records migrations of both ${name} and ${mixed.name}: it is not a backup of one database`,
      );
    }
    return no(
      `is a backup of ${name} written by a newer schema (${own.unknown.length} migration(s) ` +
        `this version does not know); restore it with that version`,
    );
  }

  // Every record is now one of this build's migrations, and there is at least one.
  const latest = own.applied.at(-1);
  if (!latest) throw new Error(`${path}: no ${name} migration recorded after all`);
  const missing = expectedTables(migrations, own, await targetSteps(migrations)).filter(
    (t) => !tables.includes(t),
  );
  if (missing.length > 0) {
    return no(
      `records ${name}'s migrations up to ${latest.tag} but lacks ${missing.length === 1 ? 'table' : 'tables'} ` +
        `${list(missing)}: it is not a sound backup of ${name}`,
    );
  }
  return { ok: true, pending: own.pending.map((m) => m.tag) };
}

/** Another database whose migrations some of these records are, if any. */
function databaseWithHistory(
  records: readonly AppliedMigration[],
  except: DatabaseName,
): { name: DatabaseName; latest: string } | undefined {
  for (const other of databaseNames) {
    if (other === except) continue;
    const latest = planFromRecords(records, loadMigrations(other)).applied.at(-1);
    if (latest) return { name: other, latest: latest.tag };
  }
  return undefined;
}

/**
 * The tables a database with exactly `plan.applied` has: what each applied migration added to the
 * schema, less what it dropped, in journal order (a migration merged late may be pending).
 */
function expectedTables(
  migrations: readonly Migration[],
  plan: MigrationPlan,
  steps: readonly TargetStep[],
): string[] {
  const applied = new Set(plan.applied);
  const tables = new Set<string>();
  let before = new Set<string>();
  migrations.forEach((m, index) => {
    const step = steps[index];
    if (!step) throw new Error(`no target schema for migration ${m.tag}`);
    const after = new Set(step.schema.tables.keys());
    if (applied.has(m)) {
      for (const t of after) if (!before.has(t)) tables.add(t);
      for (const t of before) if (!after.has(t)) tables.delete(t);
    }
    before = after;
  });
  return [...tables].sort();
}

/**
 * The database whose tables these mostly are: at least half of its tables (the schema at any step
 * of its history), and at least two, since several databases have a `sessions` table.
 */
async function resemblance(tables: readonly string[]): Promise<DatabaseName | undefined> {
  const present = new Set(tables);
  let best: { name: DatabaseName; score: number } | undefined;
  for (const name of databaseNames) {
    const known = new Set<string>();
    for (const step of await targetSteps(loadMigrations(name))) {
      for (const t of step.schema.tables.keys()) known.add(t);
    }
    const shared = [...known].filter((t) => present.has(t)).length;
    const score = shared / known.size;
    if (shared >= 2 && score >= 0.5 && (!best || score > best.score)) best = { name, score };
  }
  return best?.name;
}

const list = (names: readonly string[]) =>
  names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ');
