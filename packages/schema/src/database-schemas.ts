import type { DatabaseName } from './databases.ts';
import * as dipeo from './dipeo/schema.ts';
import * as engine from './engine/schema.ts';
import * as mcpmaker from './mcpmaker/schema.ts';
import * as multishot from './multishot/schema.ts';
import * as pokecode from './pokecode/schema.ts';

/** Each database's tables and relations, as `drizzle(client, { schema })` takes them. */
export const databaseSchemas = {
  mcpmaker,
  multishot,
  dipeo,
  pokecode,
  engine,
} as const satisfies Record<DatabaseName, Record<string, unknown>>;

export type DatabaseSchemas = typeof databaseSchemas;
