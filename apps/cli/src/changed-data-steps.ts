import { existsSync } from 'node:fs';
import { loadMigrations } from '@agentstate/db';
import type { DatabaseName } from '@agentstate/schema';
import { readMigrationFolder } from '@agentstate/schema/kit';
import { migrationsFolder } from '@agentstate/schema/migrations';

/**
 * The data steps whose `<tag>.ts` differs from the source the embedded migrations were written
 * with (their hash covers it): applying one would record a hash that the next `db:generate`
 * changes, and the step would then read as edited.
 */
export function changedDataSteps(database: DatabaseName): string[] {
  const folder = migrationsFolder(database);
  if (!existsSync(folder)) return [];
  const embedded = new Map(loadMigrations(database).map((m) => [m.tag, m.sourceHash]));
  return readMigrationFolder(folder)
    .filter((m) => {
      const then = embedded.get(m.tag);
      return m.sourceHash !== undefined && then !== undefined && then !== m.sourceHash;
    })
    .map((m) => m.tag);
}
