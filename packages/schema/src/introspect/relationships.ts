import {
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  getTableName,
  One,
  type Relation,
} from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { definitionOf, type DatabaseName } from '../registry.ts';
import { databaseTables, primaryKeyColumns, type TableInfo } from './tables.ts';

/** `instanceof One` keeps the relation's table-name type (it would narrow to `One<any>`). */
function isOne(relation: Relation<string>): relation is One<string> {
  return relation instanceof One;
}

/** A child table's reference to a parent row: a foreign key, or a relation() without one. */
export interface Relationship {
  parent: string;
  child: string;
  /** SQL names of the child's referencing columns. */
  columns: string[];
  /** SQL names of the parent's referenced columns. */
  parentColumns: string[];
  /** True when the database enforces it (a FOREIGN KEY); false for a relation() alone. */
  enforced: boolean;
  /** Every referencing column is NOT NULL, so a child always has a parent. */
  required: boolean;
  /** The referencing columns are unique, so a parent has at most one such child. */
  unique: boolean;
  onDelete: string;
  onUpdate: string;
  /** The name of the Drizzle `one()` relation that declares it, when one does. */
  relation?: string;
}

const sameColumns = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((name) => b.includes(name));

/** Column sets that are unique in a table: its primary key, UNIQUE columns, constraints and indexes. */
export function uniqueColumnSets(info: TableInfo): string[][] {
  const { config } = info;
  const sets: string[][] = [];
  const pk = primaryKeyColumns(info);
  if (pk.length > 0) sets.push(pk);
  for (const c of config.columns) if (c.isUnique) sets.push([c.name]);
  for (const u of config.uniqueConstraints) sets.push(u.columns.map((c) => c.name));
  for (const index of config.indexes) {
    const { unique, where, columns } = index.config;
    if (!unique || where) continue;
    const names = columns.map((c) => (c as Partial<SQLiteColumn>).name);
    if (names.every((n): n is string => typeof n === 'string')) sets.push(names);
  }
  return sets;
}

/**
 * Every relationship of a database: foreign keys from the table definitions, then relations()
 * that no foreign key backs (e.g. dipeo's transitions → executions). Deterministic order.
 */
export function databaseRelationships(name: DatabaseName): Relationship[] {
  const tables = databaseTables(name);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const isUnique = (table: string, columns: string[]) => {
    const info = byName.get(table);
    if (!info) throw new Error(`${name}: a relationship's table ${table} is not one of its tables`);
    return uniqueColumnSets(info).some((set) => sameColumns(set, columns));
  };

  const found: Relationship[] = [];
  for (const info of tables) {
    for (const fk of info.config.foreignKeys) {
      const ref = fk.reference();
      const columns = ref.columns.map((c) => c.name);
      found.push({
        parent: getTableName(ref.foreignTable),
        child: info.name,
        columns,
        parentColumns: ref.foreignColumns.map((c) => c.name),
        enforced: true,
        required: ref.columns.every((c) => c.notNull),
        unique: isUnique(info.name, columns),
        onDelete: fk.onDelete ?? 'no action',
        onUpdate: fk.onUpdate ?? 'no action',
      });
    }
  }

  const { tables: relational } = extractTablesRelationalConfig(
    definitionOf(name).schema as Record<string, unknown>,
    createTableRelationsHelpers,
  );
  for (const table of Object.values(relational)) {
    for (const [relationName, relation] of Object.entries(table.relations)) {
      if (!isOne(relation) || !relation.config) continue;
      const child = getTableName(relation.sourceTable);
      const parent = getTableName(relation.referencedTable);
      const columns = relation.config.fields.map((c) => c.name);
      const known = found.find(
        (r) => r.child === child && r.parent === parent && sameColumns(r.columns, columns),
      );
      if (known) {
        known.relation = relationName;
        continue;
      }
      found.push({
        relation: relationName,
        parent,
        child,
        columns,
        parentColumns: relation.config.references.map((c) => c.name),
        enforced: false,
        required: false,
        unique: isUnique(child, columns),
        onDelete: 'no action',
        onUpdate: 'no action',
      });
    }
  }
  const key = (r: Relationship) => `${r.parent}\0${r.child}\0${r.columns.join(',')}`;
  return found.sort((a, b) => key(a).localeCompare(key(b)));
}
