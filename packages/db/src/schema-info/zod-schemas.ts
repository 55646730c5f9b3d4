import type { DatabaseName } from '@agentstate/schema';
import * as dipeo from '@agentstate/schema/dipeo';
import * as engine from '@agentstate/schema/engine';
import * as mcpmaker from '@agentstate/schema/mcpmaker';
import * as multishot from '@agentstate/schema/multishot';
import * as pokecode from '@agentstate/schema/pokecode';
import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { databaseTables } from './tables.ts';

const modules: Record<DatabaseName, Record<string, unknown>> = {
  mcpmaker,
  multishot,
  dipeo,
  pokecode,
  engine,
};

/** A table's drizzle-zod schemas (with the JSON shapes and refinements of validation.ts). */
export interface TableZodSchemas {
  insert: z.ZodObject;
  select: z.ZodObject;
}

function sameKeys(schema: z.ZodObject, keys: readonly string[]): boolean {
  const shapeKeys = Object.keys(schema.shape);
  return shapeKeys.length === keys.length && keys.every((key) => key in schema.shape);
}

/**
 * Finds each table's `insert…Schema` and `select…Schema` among a database's exports by their
 * column keys (export names are singular forms that cannot be derived from table names).
 */
export function tableZodSchemas(name: DatabaseName): Map<SQLiteTable, TableZodSchemas> {
  const exports = Object.entries(modules[name]).filter(
    (entry): entry is [string, z.ZodObject] =>
      entry[1] instanceof z.ZodObject && /^(insert|select)\w+Schema$/.test(entry[0]),
  );
  const found = new Map<SQLiteTable, TableZodSchemas>();
  for (const { table, name: tableName } of databaseTables(name)) {
    const keys = Object.keys(getTableColumns(table));
    const pick = (prefix: 'insert' | 'select') => {
      const matches = exports.filter(([key, s]) => key.startsWith(prefix) && sameKeys(s, keys));
      if (matches.length !== 1) {
        throw new Error(
          `${name}.${tableName}: expected one ${prefix} schema with its columns, found ${matches.length}`,
        );
      }
      return matches[0]![1];
    };
    found.set(table, { insert: pick('insert'), select: pick('select') });
  }
  return found;
}
