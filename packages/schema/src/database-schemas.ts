import { databases, type Databases, type DatabaseName } from './registry.ts';

/** Each database's tables and relations, as `drizzle(client, { schema })` takes them. */
export const databaseSchemas = Object.fromEntries(
  Object.values(databases).map((definition) => [definition.name, definition.schema]),
) as { readonly [N in DatabaseName]: Databases[N]['schema'] };

export type DatabaseSchemas = typeof databaseSchemas;
