import type { SqliteConnection } from '../driver/types.ts';
import type { Difference } from './compare.ts';
import { renameInCreateIndex } from './create-statement.ts';
import type { IndexSchema, LiveSchema } from './live-schema.ts';
import { describeRows, offendingRows, quoteId, rowCount } from './row-queries.ts';
import type { TargetStep } from './target-schema.ts';

/**
 * Tables outside the schema: user tables that no migration of a database's history ever creates,
 * such as a table an earlier release of the original tool left behind (DiPeO's `execution_states`)
 * or one the user added. They are the user's: adoption and the migrator keep them as they are,
 * rows and CREATE TABLE statement, and list them; they are never a difference from the schema.
 *
 * A table some step of the history does have (one a later migration drops, say) is not outside:
 * compared with another step it is a difference, so the migrations that handle it still run.
 */
export function tablesOutsideSchema(live: LiveSchema, steps: readonly TargetStep[]): string[] {
  const known = new Set<string>();
  for (const step of steps) for (const name of step.schema.tables.keys()) known.add(fold(name));
  return [...live.tables.keys()].filter((name) => !known.has(fold(name)));
}

/** One table adoption keeps untouched, and what it does to the table's indexes. */
export interface OutsideTable {
  name: string;
  rows: number;
  /** Its indexes whose names the schema needs, in name order. */
  renamedIndexes: RenamedIndex[];
}

/**
 * SQLite index names are global (one namespace with table names) and cannot be renamed in place:
 * an index of a table outside the schema that holds a name the schema gives one of its own tables
 * or indexes is recreated, same definition, under a free name, and dropped under the old one.
 */
export interface RenamedIndex {
  table: string;
  from: string;
  to: string;
  /** What in agentstate's schema has the name: `the index on executions`. */
  neededBy: string;
  /** The CREATE INDEX statement under the new name. */
  sql: string;
}

export interface OutsidePlan {
  tables: OutsideTable[];
  /** What keeps a table outside the schema from being kept as it is; the database is a conflict. */
  conflicts: Difference[];
}

/**
 * What adoption does with the tables outside the schema: keeps each, renames its indexes whose
 * names any step of the history uses (so neither adoption nor a later migration trips on them),
 * and refuses one whose rows fail its own foreign keys (the migrator checks every foreign key after
 * each migration) or whose name the schema gives an index. Reads only.
 */
export function planOutsideTables(
  sqlite: SqliteConnection,
  live: LiveSchema,
  steps: readonly TargetStep[],
): OutsidePlan {
  const needed = namesInSchema(steps);
  const taken = new Set(
    (sqlite.prepare('SELECT name FROM sqlite_master').pluck().all() as string[]).map(fold),
  );
  for (const name of needed.keys()) taken.add(name);

  const tables: OutsideTable[] = [];
  const conflicts: Difference[] = [];
  const outsideNames = new Set(tablesOutsideSchema(live, steps));
  for (const [name, table] of live.tables) {
    if (!outsideNames.has(name)) continue;
    const rows = rowCount(sqlite, name);
    const found = `table outside the schema with ${rows} row${rows === 1 ? '' : 's'}`;
    const clash = needed.get(fold(name));
    if (clash) {
      conflicts.push({
        table: name,
        subject: name,
        expected: `no table named ${name}`,
        found,
        conflict: `agentstate's schema gives the name to ${clash}`,
      });
      continue;
    }
    const orphans = foreignKeyViolations(sqlite, name);
    if (orphans > 0) {
      const rows = table.withoutRowid
        ? `${orphans} row${orphans === 1 ? '' : 's'}`
        : describeRows(
            offendingRows(
              sqlite,
              table,
              `rowid IN (SELECT rowid FROM pragma_foreign_key_check(${sqlString(name)}))`,
            ),
          );
      conflicts.push({
        table: name,
        subject: `${name} foreign key`,
        expected: 'every value has its parent row',
        found,
        conflict: `no parent row for ${rows}, and the migrations check every foreign key`,
      });
      continue;
    }
    const renamedIndexes: RenamedIndex[] = [];
    for (const index of table.indexes) {
      const neededBy = needed.get(fold(index.name));
      if (!neededBy) continue;
      const to = freeName(`${name}_${index.name}`, taken);
      taken.add(fold(to));
      renamedIndexes.push({
        table: name,
        from: index.name,
        to,
        neededBy,
        sql: renameInCreateIndex(index.sql, to),
      });
    }
    tables.push({ name, rows, renamedIndexes });
  }
  return { tables, conflicts };
}

/** The index as it is once renamed, to check that only its name changed. */
export function renamedDefinition(index: IndexSchema, renames: readonly RenamedIndex[]): string {
  const to = renames.find((r) => r.from === index.name)?.to ?? index.name;
  return JSON.stringify([to, index.columns, index.unique, index.where]);
}

/** SQLite compares names case-insensitively (ASCII). */
const fold = (name: string) => name.toLowerCase();

/** Every table and index name of every step, folded, with what has it. */
function namesInSchema(steps: readonly TargetStep[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const step of steps) {
    for (const [tableName, table] of step.schema.tables) {
      names.set(fold(tableName), `the table ${tableName}`);
      for (const index of table.indexes) names.set(fold(index.name), `the index on ${tableName}`);
    }
  }
  return names;
}

function freeName(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  for (let n = 2; taken.has(fold(name)); n++) name = `${base}_${n}`;
  return name;
}

function foreignKeyViolations(sqlite: SqliteConnection, table: string): number {
  return (sqlite.pragma(`foreign_key_check(${quoteId(table)})`) as unknown[]).length;
}

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;
