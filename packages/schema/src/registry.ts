import type { DatabaseDefinition } from './define-database.ts';
import { dipeo } from './dipeo/database.ts';
import { engine } from './engine/database.ts';
import { mcpmaker } from './mcpmaker/database.ts';
import { multishot } from './multishot/database.ts';
import { pokecode } from './pokecode/database.ts';

/**
 * The databases this project implements: the one list of them. Everything else (commands,
 * locations, clients, docs, the studio) looks a database up here. `pnpm db:new <name>` adds one.
 */
export const databases = {
  mcpmaker,
  multishot,
  dipeo,
  pokecode,
  engine,
} as const satisfies { [N in string]: DatabaseDefinition<N> };

export type Databases = typeof databases;
export type DatabaseName = keyof Databases;
/** The definition of database `N`. */
export type DefinitionOf<N extends DatabaseName> = Databases[N];

/** Every database's name, in the registry's order. */
export const databaseNames = Object.keys(databases) as DatabaseName[];

for (const [key, definition] of Object.entries(databases)) {
  if (definition.name !== key) {
    throw new Error(`registry: ${key} holds the definition of ${definition.name}`);
  }
}

export function isDatabaseName(value: string): value is DatabaseName {
  return Object.hasOwn(databases, value);
}

/** The one wording, in every command, for a name that is not one of the databases. */
export function unknownDatabase(value: string): string {
  return `unknown database ${JSON.stringify(value)} (one of ${databaseNames.join(', ')})`;
}

/** `value` as a database name, or a RangeError worded by `unknownDatabase`. */
export function parseDatabaseName(value: string): DatabaseName {
  if (!isDatabaseName(value)) throw new RangeError(unknownDatabase(value));
  return value;
}

/** The definition of a database, by name. */
export function definitionOf<N extends DatabaseName>(name: N): Databases[N] {
  return databases[name];
}
