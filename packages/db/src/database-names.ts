import type { DatabaseName } from '@agentstate/schema';
import { embeddedMigrations } from '@agentstate/schema/migrations';

export type { DatabaseName };

/**
 * The five database names. Read from the light migrations module (keyed by every DatabaseName)
 * rather than the schema index, which loads every table and zod schema: ~0.8 s of start-up.
 */
export const databaseNames = Object.freeze(
  Object.keys(embeddedMigrations),
) as readonly DatabaseName[];

export function isDatabaseName(value: string): value is DatabaseName {
  return (databaseNames as readonly string[]).includes(value);
}
