import type { SqliteConnection } from '../driver/types.ts';
import {
  describeForeignKey,
  normalizeSql,
  type ColumnSchema,
  type ForeignKeySchema,
  type IndexSchema,
  type LiveSchema,
  type TableSchema,
} from './live-schema.ts';
import {
  describeRows,
  duplicateRows,
  offendingRows,
  quoteId,
  rowCount,
  type OffendingRows,
} from './row-queries.ts';

/**
 * How adoption closes a difference without changing a row. `rebuild-table` is SQLite's 12-step
 * table rebuild (https://sqlite.org/lang_altertable.html#otheralter): constraints, defaults and
 * column order cannot be changed in place.
 */
export type Fix =
  'create-table' | 'rebuild-table' | 'create-index' | 'replace-index' | 'drop-index';

export interface Difference {
  table: string;
  /** What differs: `sessions`, `sessions.workflow_id`, `sessions index idx_x`, `sessions foreign key (...)`. */
  subject: string;
  /** What agentstate's schema has. */
  expected: string;
  /** What the database has. */
  found: string;
  /** How it is closed; undefined when it cannot be closed without changing or losing data. */
  fix?: Fix;
  /** Why it cannot be closed (set exactly when `fix` is undefined). */
  conflict?: string;
  /** The index a fix creates, replaces or drops. */
  index?: string;
}

/** SQLite's type affinity of a declared type (https://sqlite.org/datatype3.html#determination_of_column_affinity). */
export function affinity(type: string): 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC' {
  const t = type.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t === '' || t.includes('BLOB')) return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

export function describeColumn(c: ColumnSchema): string {
  const parts = [c.type || '(no type)'];
  if (c.notNull) parts.push('NOT NULL');
  if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
  if (c.pk > 0) parts.push('PRIMARY KEY');
  if (c.hidden > 1) parts.push('GENERATED');
  return parts.join(' ');
}

function describeIndex(index: IndexSchema): string {
  return (
    `${index.unique ? 'UNIQUE ' : ''}(${index.columns.join(', ')})` +
    (index.where ? ` WHERE ${index.where}` : '')
  );
}

const sameIndex = (a: IndexSchema, b: IndexSchema) =>
  a.unique === b.unique && a.where === b.where && a.columns.join() === b.columns.join();

function primaryKey(table: TableSchema): string[] {
  return table.columns
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
}

/** The WHERE of a CREATE INDEX statement as written, to run against the table. */
function rawWhere(indexSql: string): string | undefined {
  const at = indexSql.search(/\bWHERE\b/i);
  return at < 0 ? undefined : indexSql.slice(at + 'WHERE'.length).trim();
}

/**
 * Compares a live database with the schema agentstate's migrations produce, column by column (type,
 * NOT NULL, default, key), then keys, foreign keys, CHECKs and indexes. Each difference either has a
 * fix that changes no row, checked against the rows now in the database (no NULL where NOT NULL is
 * added, no orphan where a foreign key is, no duplicate where a key is unique), or is a conflict
 * naming what is in the way. Tables outside the schema (`outside`, see outside-schema.ts) are the
 * user's and not compared. Reads only.
 */
export function compareSchemas(
  sqlite: SqliteConnection,
  live: LiveSchema,
  target: LiveSchema,
  outside: readonly string[] = [],
): Difference[] {
  const differences: Difference[] = [];
  for (const [name, targetTable] of target.tables) {
    const liveTable = live.tables.get(name);
    if (!liveTable) {
      // A missing table holds no rows: creating it changes none.
      differences.push({
        table: name,
        subject: name,
        expected: 'table',
        found: 'missing',
        fix: 'create-table',
      });
      continue;
    }
    differences.push(...compareTable(sqlite, liveTable, targetTable, live, target));
  }
  for (const [name] of live.tables) {
    if (target.tables.has(name) || outside.includes(name)) continue;
    // A table another step of the history has: its rows belong in the schema, and the migrations
    // that handle them expect that step's schema.
    const rows = rowCount(sqlite, name);
    differences.push({
      table: name,
      subject: name,
      expected: 'no such table',
      found: `table with ${rows} row${rows === 1 ? '' : 's'}`,
      conflict: 'the table is not part of the schema',
    });
  }
  const targetObjects = new Map(target.otherObjects.map((o) => [`${o.type} ${o.name}`, o]));
  for (const object of live.otherObjects) {
    const own = targetObjects.get(`${object.type} ${object.name}`);
    if (own && normalizeSql(own.sql) === normalizeSql(object.sql)) continue;
    // Triggers and views would be dropped by a table rebuild or act on rows behind the schema's back.
    differences.push({
      table: '',
      subject: `${object.type} ${object.name}`,
      expected: own
        ? `the ${object.type} as the schema's migrations write it`
        : `no ${object.type}`,
      found: object.type,
      conflict: own
        ? `the ${object.type} differs from the schema's`
        : `the ${object.type} is not part of the schema`,
    });
  }
  const liveObjects = new Set(live.otherObjects.map((o) => `${o.type} ${o.name}`));
  for (const object of target.otherObjects) {
    if (liveObjects.has(`${object.type} ${object.name}`)) continue;
    // The migration that makes it (a full-text index's triggers, with its backfill) runs instead.
    differences.push({
      table: '',
      subject: `${object.type} ${object.name}`,
      expected: object.type,
      found: 'missing',
      conflict: `the ${object.type} is made by a migration, which runs after adoption`,
    });
  }
  return differences;
}

function compareTable(
  sqlite: SqliteConnection,
  live: TableSchema,
  target: TableSchema,
  liveSchema: LiveSchema,
  targetSchema: LiveSchema,
): Difference[] {
  const table = target.name;
  const out: Difference[] = [];
  const rows = rowCount(sqlite, table);
  const liveColumns = new Map(live.columns.map((c) => [c.name, c]));
  const targetColumns = new Map(target.columns.map((c) => [c.name, c]));
  /** `fix`: a Fix, or why the difference cannot be closed (a reason, or the rows at fault). */
  const add = (subject: string, expected: string, found: string, fix: string | OffendingRows) => {
    if (typeof fix === 'string' && isFix(fix)) {
      out.push({ table, subject, expected, found, fix });
    } else {
      const conflict = typeof fix === 'string' ? fix : describeRows(fix);
      out.push({ table, subject, expected, found, conflict });
    }
  };

  for (const tc of target.columns) {
    const lc = liveColumns.get(tc.name);
    const subject = `${table}.${tc.name}`;
    if (!lc) {
      const needsValue = (tc.notNull && tc.default === null) || tc.pk > 0;
      add(
        subject,
        describeColumn(tc),
        'missing',
        needsValue && rows > 0
          ? `${rows} existing row${rows === 1 ? ' has' : 's have'} no value for it`
          : 'rebuild-table',
      );
      continue;
    }
    if (lc.hidden !== tc.hidden) {
      add(subject, describeColumn(tc), describeColumn(lc), 'a generated column cannot be adopted');
      continue;
    }
    if (lc.type !== tc.type) {
      // Same affinity: SQLite stores and compares the values exactly as before, only the name differs.
      add(
        `${subject} type`,
        tc.type,
        lc.type,
        affinity(lc.type) === affinity(tc.type)
          ? 'rebuild-table'
          : `column of another type (${affinity(lc.type)} affinity, expected ${affinity(tc.type)})`,
      );
    }
    if (tc.notNull && !lc.notNull) {
      const nulls = offendingRows(sqlite, live, `${quoteId(tc.name)} IS NULL`);
      add(
        `${subject} NOT NULL`,
        'NOT NULL',
        'nullable',
        nulls.count > 0 ? `NULL in ${describeRows(nulls)}` : 'rebuild-table',
      );
    } else if (!tc.notNull && lc.notNull) {
      add(`${subject} NOT NULL`, 'nullable', 'NOT NULL', 'rebuild-table');
    }
    if (tc.default !== lc.default) {
      add(`${subject} default`, tc.default ?? 'none', lc.default ?? 'none', 'rebuild-table');
    }
  }
  for (const lc of live.columns) {
    if (!targetColumns.has(lc.name)) {
      add(
        `${table}.${lc.name}`,
        'no such column',
        describeColumn(lc),
        'the column is not part of the schema; its values would be lost',
      );
    }
  }
  const allTargetColumnsLive = target.columns.every((c) => liveColumns.has(c.name));
  if (
    allTargetColumnsLive &&
    live.columns.length === target.columns.length &&
    live.columns.some((c, i) => c.name !== target.columns[i]?.name)
  ) {
    add(
      `${table} column order`,
      target.columns.map((c) => c.name).join(', '),
      live.columns.map((c) => c.name).join(', '),
      'rebuild-table',
    );
  }

  const targetPk = primaryKey(target);
  const livePk = primaryKey(live);
  if (targetPk.join() !== livePk.join()) {
    const found = livePk.length > 0 ? `(${livePk.join(', ')})` : 'none';
    const expected = `(${targetPk.join(', ')})`;
    if (!targetPk.every((c) => liveColumns.has(c))) {
      add(`${table} primary key`, expected, found, 'its columns are missing');
    } else {
      const dupes = duplicateRows(sqlite, live, targetPk);
      add(
        `${table} primary key`,
        expected,
        found,
        dupes.count > 0 ? `duplicate keys in ${describeRows(dupes)}` : 'rebuild-table',
      );
    }
  }

  const liveUniques = new Set(live.uniqueConstraints.map((u) => u.join(', ')));
  const targetUniques = new Set(target.uniqueConstraints.map((u) => u.join(', ')));
  for (const unique of target.uniqueConstraints) {
    const key = unique.join(', ');
    if (liveUniques.has(key)) continue;
    const dupes = unique.every((c) => liveColumns.has(c))
      ? duplicateRows(sqlite, live, unique)
      : { count: 0, keys: [] };
    add(
      `${table} UNIQUE (${key})`,
      'UNIQUE constraint',
      'missing',
      dupes.count > 0 ? `duplicate values in ${describeRows(dupes)}` : 'rebuild-table',
    );
  }
  for (const unique of live.uniqueConstraints) {
    const key = unique.join(', ');
    if (!targetUniques.has(key))
      add(`${table} UNIQUE (${key})`, 'none', 'UNIQUE constraint', 'rebuild-table');
  }

  const liveFks = new Set(live.foreignKeys.map(describeForeignKey));
  const targetFks = new Set(target.foreignKeys.map(describeForeignKey));
  for (const fk of target.foreignKeys) {
    // Every row must satisfy every foreign key of the target, whether or not the live table declares
    // it already (a tool may have written with foreign keys off).
    const orphans = allColumns(fk.columns, liveColumns)
      ? orphanRows(sqlite, live, fk, liveSchema, targetSchema)
      : { count: 0, keys: [] };
    const described = describeForeignKey(fk);
    if (orphans.count > 0) {
      add(
        `${table} foreign key ${described}`,
        'every value has its parent row',
        liveFks.has(described) ? 'declared' : 'missing',
        `no ${fk.table} row for ${describeRows(orphans)}`,
      );
    } else if (!liveFks.has(described)) {
      add(`${table} foreign key`, described, 'missing', 'rebuild-table');
    }
  }
  for (const fk of live.foreignKeys) {
    const described = describeForeignKey(fk);
    if (!targetFks.has(described)) add(`${table} foreign key`, 'none', described, 'rebuild-table');
  }

  const liveChecks = new Set(live.checks);
  for (const check of target.checks) {
    if (liveChecks.has(check)) continue;
    const failing = offendingRows(sqlite, live, `NOT coalesce((${check}), 1)`);
    add(
      `${table} CHECK (${check})`,
      'CHECK constraint',
      'missing',
      failing.count > 0 ? `failed by ${describeRows(failing)}` : 'rebuild-table',
    );
  }
  for (const check of live.checks) {
    if (!target.checks.includes(check))
      add(`${table} CHECK (${check})`, 'none', 'CHECK constraint', 'rebuild-table');
  }

  if (target.withoutRowid !== live.withoutRowid) {
    add(
      `${table} WITHOUT ROWID`,
      String(target.withoutRowid),
      String(live.withoutRowid),
      'rebuild-table',
    );
  }
  if (target.strict !== live.strict) {
    add(
      `${table} STRICT`,
      String(target.strict),
      String(live.strict),
      target.strict ? 'adding STRICT could refuse stored values' : 'rebuild-table',
    );
  }

  const liveIndexes = new Map(live.indexes.map((i) => [i.name, i]));
  for (const ti of target.indexes) {
    const li = liveIndexes.get(ti.name);
    if (li && sameIndex(li, ti)) continue;
    const subject = `${table} index ${ti.name}`;
    const columns = ti.columns.map((c) => c.replace(/ desc$/, ''));
    let conflict: string | undefined;
    if (ti.unique) {
      if (columns.some((c) => !liveColumns.has(c))) {
        conflict = undefined; // a new column holds only NULLs, which never collide
      } else {
        const dupes = duplicateRows(sqlite, live, columns, rawWhere(ti.sql));
        if (dupes.count > 0) conflict = `duplicate values in ${describeRows(dupes)}`;
      }
    }
    const found = li ? describeIndex(li) : 'missing';
    if (conflict) add(subject, describeIndex(ti), found, conflict);
    else
      out.push({
        table,
        subject,
        expected: describeIndex(ti),
        found,
        fix: li ? 'replace-index' : 'create-index',
        index: ti.name,
      });
  }
  const targetIndexNames = new Set(target.indexes.map((i) => i.name));
  for (const li of live.indexes) {
    if (targetIndexNames.has(li.name)) continue;
    // An index holds no data of its own: dropping one changes no row.
    out.push({
      table,
      subject: `${table} index ${li.name}`,
      expected: 'no such index',
      found: describeIndex(li),
      fix: 'drop-index',
      index: li.name,
    });
  }
  return out;
}

const fixes: readonly string[] = [
  'create-table',
  'rebuild-table',
  'create-index',
  'replace-index',
  'drop-index',
];
function isFix(value: string): value is Fix {
  return fixes.includes(value);
}

function allColumns(columns: readonly string[], present: Map<string, unknown>): boolean {
  return columns.every((c) => present.has(c));
}

/** Rows whose foreign key values (all non-NULL) have no parent row in the database as it is now. */
function orphanRows(
  sqlite: SqliteConnection,
  child: TableSchema,
  fk: ForeignKeySchema,
  liveSchema: LiveSchema,
  targetSchema: LiveSchema,
): OffendingRows {
  const notNull = fk.columns
    .map((c) => `${quoteId(child.name)}.${quoteId(c)} IS NOT NULL`)
    .join(' AND ');
  const parent = liveSchema.tables.get(fk.table);
  const parentColumns =
    fk.to.length > 0 ? fk.to : primaryKey(targetSchema.tables.get(fk.table) ?? child);
  // A parent table that does not exist yet will be created empty: every value is an orphan.
  if (!parent || !parentColumns.every((c) => parent.columns.some((pc) => pc.name === c))) {
    return offendingRows(sqlite, child, notNull);
  }
  const match = fk.columns
    .map((c, i) => {
      const parentColumn = parentColumns[i];
      if (parentColumn === undefined) {
        throw new Error(
          `${child.name}: foreign key (${fk.columns.join(', ')}) references ${parentColumns.length} column(s) of ${fk.table}`,
        );
      }
      return `p.${quoteId(parentColumn)} = ${quoteId(child.name)}.${quoteId(c)}`;
    })
    .join(' AND ');
  return offendingRows(
    sqlite,
    child,
    `${notNull} AND NOT EXISTS (SELECT 1 FROM ${quoteId(fk.table)} AS p WHERE ${match})`,
  );
}
