import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../driver/sync-driver.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { compareSchemas } from '../adopt/compare.ts';
import { normalizeSql, readLiveSchema, type LiveSchema } from '../adopt/live-schema.ts';
import { targetSteps } from '../adopt/target-schema.ts';
import { withoutDataWork } from './apply-step.ts';
import type { Migration } from './load-migrations.ts';
import { migrate, type MigrateResult } from './migrate.ts';
import { MIGRATIONS_TABLE } from './migrations-table.ts';
import { squashStep, withoutSquash } from './squash.ts';
import { migrationStatements } from './statements.ts';

const quiet = { backup: false, log: () => {} } as const;

/**
 * The order the history up to `tag` leaves each table's columns in (an added column comes last),
 * for a squash that creates the tables the same way. Built in memory by the real migrator.
 */
export async function historyColumnOrder(
  migrations: readonly Migration[],
  tag: string,
): Promise<Record<string, string[]>> {
  const history = withoutSquash(migrations);
  const upTo = history.slice(0, history.findIndex((m) => m.tag === tag) + 1);
  const schema = (await targetSteps(withoutDataWork(upTo))).at(-1)?.schema;
  return Object.fromEntries(
    [...(schema?.tables.values() ?? [])].map((t) => [t.name, t.columns.map((c) => c.name)]),
  );
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A schema's virtual tables (full-text indexes) by name, their statements normalized: compared
 * by statement, which the table comparison does not read (triggers and views it compares).
 */
function virtualTables(schema: LiveSchema): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, table] of schema.tables) {
    if (/^CREATE VIRTUAL TABLE\b/i.test(table.sql))
      out.set(`virtual table ${name}`, normalizeSql(table.sql));
  }
  return out;
}

/** A table's rows in rowid order (or in column order for a table without rowid), as JSON. */
function tableRows(sqlite: SqliteConnection, table: string, withoutRowid: boolean): string {
  const order = withoutRowid ? '1' : 'rowid';
  const rows = sqlite.prepare(`SELECT * FROM ${quote(table)} ORDER BY ${order}`).all();
  return JSON.stringify(rows, (_key, value: unknown) =>
    Buffer.isBuffer(value) ? `x'${value.toString('hex')}'` : value,
  );
}

/**
 * How a file born from `squashed` differs from one migrated through the history, one line each:
 * the tables, columns (and their order), indexes, keys, triggers and full-text tables, the rows
 * (the data steps' and custom steps' results) and the recorded migrations. Empty when they agree.
 */
export function compareSquashedFiles(
  history: SqliteConnection,
  squashed: SqliteConnection,
): string[] {
  const want = readLiveSchema(history);
  const got = readLiveSchema(squashed);
  const lines = compareSchemas(squashed, got, want).map(
    (d) =>
      `${d.subject}: the history has ${d.expected}; the squashed file has ${d.found === 'missing' ? 'none' : d.found}`,
  );
  const wantObjects = virtualTables(want);
  const gotObjects = virtualTables(got);
  for (const [subject, statement] of wantObjects) {
    const other = gotObjects.get(subject);
    if (other === undefined)
      lines.push(`${subject}: the history has it; the squashed file has none`);
    else if (other !== statement)
      lines.push(`${subject}: the history has ${statement}; the squashed file has ${other}`);
  }
  for (const subject of gotObjects.keys())
    if (!wantObjects.has(subject))
      lines.push(`${subject}: the history has none; the squashed file has it`);
  for (const [name, table] of want.tables) {
    if (!got.tables.has(name)) continue;
    if (
      tableRows(history, name, table.withoutRowid) !== tableRows(squashed, name, table.withoutRowid)
    )
      lines.push(`${name} rows: the squash leaves different rows from the history's steps`);
  }
  const records = (sqlite: SqliteConnection) =>
    tableRows(sqlite, MIGRATIONS_TABLE, false).replace(/"id":null,/g, '');
  if (records(history) !== records(squashed))
    lines.push(`${MIGRATIONS_TABLE}: the squash records other rows than the history's steps`);
  return [...new Set(lines)];
}

/**
 * Proves a history's squash: a scratch file migrated step by step and one born from the squash
 * (each by the real migrator, up to the squashed step) must have exactly the same schema, rows
 * and recorded migrations, and the squash's down must bring it back to the empty schema. Returns
 * every difference, one line each; empty when there is no squash or it holds.
 */
export async function verifySquash(migrations: readonly Migration[]): Promise<string[]> {
  const step = squashStep(migrations);
  if (!step?.squash) return [];
  const upTo = migrations.slice(0, migrations.indexOf(step) + 1);
  const dir = mkdtempSync(join(tmpdir(), 'agentstate-squash-'));
  const history = openSqlite(join(dir, 'history.db'));
  const squashed = openSqlite(join(dir, 'squashed.db'));
  try {
    const where = `the squash of ${upTo[0]?.tag}..${step.tag}`;
    try {
      await migrate(history, withoutSquash(upTo), quiet);
    } catch (error) {
      return [`${where}: the history itself fails on a new file: ${String(error)}`];
    }
    let result: MigrateResult;
    try {
      result = await migrate(squashed, upTo, quiet);
    } catch (error) {
      return [
        `${where} fails on a new file: ${error instanceof Error ? error.message : String(error)}`,
      ];
    }
    if (result.squashedTo !== step.tag) return [`${where}: a new file did not apply it`];
    const lines = compareSquashedFiles(history, squashed).map((line) => `${where}: ${line}`);
    const down = step.squash.down;
    if (down === undefined) lines.push(`${where}: it has no down migration`);
    else {
      squashed.pragma('foreign_keys = OFF');
      try {
        for (const statement of migrationStatements({ sql: down })) squashed.exec(statement);
        const left = readLiveSchema(squashed);
        const names = [
          ...left.tables.keys(),
          ...left.otherObjects.map((o) => `${o.type} ${o.name}`),
        ];
        if (names.length > 0)
          lines.push(
            `${where}: its down leaves ${names.join(', ')} (it must return to the empty schema)`,
          );
      } catch (error) {
        lines.push(
          `${where}: its down fails: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return lines;
  } finally {
    history.close();
    squashed.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
