import {
  acknowledgementProblems,
  formatFinding,
  lintMigrations,
  loadMigrations,
  type LintFinding,
} from '@agentstate/db';
import { migrationsFolder } from '@agentstate/schema/migrations';
import type { DatabaseName } from '@agentstate/schema';

export interface FolderLint {
  findings: LintFinding[];
  /** Unacknowledged findings and broken acknowledgements, one line each, prefixed with the database. */
  problems: string[];
}

/** Lints every step in a database's migrations folder (the committed files, not the embedded copy). */
export async function lintFolder(database: DatabaseName): Promise<FolderLint> {
  const migrations = loadMigrations({ folder: migrationsFolder(database) });
  const findings = await lintMigrations(migrations);
  const problems = [
    ...migrations.flatMap((m) => acknowledgementProblems(m)),
    ...findings.filter((f) => f.acknowledged === undefined).map(formatFinding),
  ].map((line) => `${database}: ${line}`);
  return { findings, problems };
}
