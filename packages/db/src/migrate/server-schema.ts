import type { Client } from '@libsql/client';
import { isBookkeepingTable } from '../adopt/live-schema.ts';
import { openSqlite } from '../driver/sync-driver.ts';
import type { SqliteConnection } from '../driver/types.ts';
import { quoteId } from '../adopt/row-queries.ts';
import { schemaDrift, type Drift } from './drift.ts';
import type { Migration } from './load-migrations.ts';
import {
  ensureMigrationsTable,
  MIGRATIONS_TABLE,
  recordMigration,
  type AppliedMigration,
} from './migrations-table.ts';

/** A libSQL database's schema as its `sqlite_master` lists it, and its applied migrations. */
export interface ServerSchema {
  objects: SchemaObject[];
  /** The `__drizzle_migrations` rows; undefined when the table does not exist. */
  records: AppliedMigration[] | undefined;
}

interface SchemaObject {
  type: string;
  name: string;
  tblName: string;
  sql: string | null;
}

/** Reads a libSQL database's schema and migration rows through its client. Reads only. */
export async function readServerSchema(client: Client): Promise<ServerSchema> {
  const master = await client.execute(
    'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid',
  );
  const objects = master.rows.map((row) => ({
    type: row.type as string,
    name: row.name as string,
    tblName: row.tbl_name as string,
    sql: row.sql as string | null,
  }));
  if (!objects.some((o) => o.type === 'table' && o.name === MIGRATIONS_TABLE)) {
    return { objects, records: undefined };
  }
  const rows = await client.execute(`SELECT id, hash, created_at FROM "${MIGRATIONS_TABLE}"`);
  const records = rows.rows.map((row) => ({
    id: row.id as number | null,
    hash: row.hash as string,
    createdAt: Number(row.created_at),
  }));
  return { objects, records };
}

/** Whether the database holds tables, views or triggers of its own (not SQLite's, not bookkeeping). */
export function hasUserObjects(schema: ServerSchema): boolean {
  return schema.objects.some((o) => !isBookkeepingTable(o.tblName));
}

/**
 * An in-memory database with the server's schema and migration rows and none of its data, so the
 * checks written for a connection (drift) read a server's schema exactly as they read a file's.
 * Tables first (a full-text table makes its own shadow tables), then indexes, views, triggers.
 */
export function schemaCopy(schema: ServerSchema): SqliteConnection {
  const copy = openSqlite(':memory:');
  try {
    const order = ['table', 'index', 'view', 'trigger'];
    const objects = schema.objects
      .filter((o) => o.sql !== null && !o.name.startsWith('sqlite_') && o.name !== MIGRATIONS_TABLE)
      .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const exists = copy.prepare<[string], 1>('SELECT 1 FROM sqlite_master WHERE name = ?').pluck();
    for (const object of objects) {
      if (exists.get(object.name) === undefined) copy.exec(object.sql as string);
    }
    if (schema.records) {
      ensureMigrationsTable(copy);
      for (const record of schema.records) {
        recordMigration(copy, { hash: record.hash, when: record.createdAt });
      }
    }
    return copy;
  } catch (error) {
    copy.close();
    throw error;
  }
}

/**
 * How the server's schema differs from what its applied migrations produce (drift.ts, on the
 * schema copy). A table the history does not expect is reported with the server's row count.
 */
export async function serverDrift(
  client: Client,
  schema: ServerSchema,
  migrations: readonly Migration[],
): Promise<Drift[]> {
  const copy = schemaCopy(schema);
  let drift: Drift[];
  try {
    drift = await schemaDrift(copy, migrations);
  } finally {
    copy.close();
  }
  const tables = new Set(schema.objects.filter((o) => o.type === 'table').map((o) => o.name));
  const counted: Drift[] = [];
  for (const d of drift) {
    if (tables.has(d.subject) && /^table with \d+ rows?$/.test(d.found)) {
      const result = await client.execute(`SELECT count(*) AS n FROM ${quoteId(d.subject)}`);
      const rows = Number(result.rows[0]?.n ?? 0);
      counted.push({ ...d, found: `table with ${rows} row${rows === 1 ? '' : 's'}` });
    } else counted.push(d);
  }
  return counted;
}
