import Database from 'better-sqlite3';
import type { DatabaseName } from '../database-names.ts';
import { loadMigrations, type Migration } from '../migrate/load-migrations.ts';
import { MEMORY_PATH, resolveDatabasePath, type ResolvePathOptions } from '../open/paths.ts';
import { fileSize } from './adopt-and-migrate.ts';
import { inspectDatabase, type AdoptionState } from './inspect.ts';
import type { OutsideTable } from './outside-schema.ts';
import { formatDifferences } from './report.ts';
import { targetSteps } from './target-schema.ts';

export interface DatabaseStatus {
  name: DatabaseName;
  path: string;
  exists: boolean;
  /** Bytes of the database file and of its `-wal` file (0 when absent). */
  sizeBytes: number;
  walBytes: number;
  state: AdoptionState;
  applied: string[];
  pending: string[];
  /** For an adoptable or conflicting database: the migration it was compared with. */
  baseline: string | undefined;
  /** The difference report (closable and conflicting), one line each. */
  differences: string[];
  /** Tables outside the schema, which adoption keeps untouched (with its index renames, if any). */
  outsideSchema: OutsideTable[];
}

/** Where a database stands, read through a read-only connection; a missing file is not created. */
export async function databaseStatus(
  name: DatabaseName,
  options: Pick<ResolvePathOptions, 'path' | 'env' | 'cwd' | 'home'> & {
    migrations?: readonly Migration[];
  } = {},
): Promise<DatabaseStatus> {
  const path = resolveDatabasePath(name, options);
  const migrations = options.migrations ?? loadMigrations(name);
  const sizeBytes = path === MEMORY_PATH ? 0 : fileSize(path);
  const status: DatabaseStatus = {
    name,
    path,
    exists: sizeBytes > 0,
    sizeBytes,
    walBytes: path === MEMORY_PATH ? 0 : fileSize(`${path}-wal`),
    state: 'new',
    applied: [],
    pending: migrations.map((m) => m.tag),
    baseline: undefined,
    differences: [],
    outsideSchema: [],
  };
  if (!status.exists) return status;
  const reader = new Database(path, { readonly: true, fileMustExist: true });
  try {
    reader.pragma('busy_timeout = 5000');
    const inspection = inspectDatabase(reader, migrations, await targetSteps(migrations));
    return {
      ...status,
      state: inspection.state,
      applied: inspection.applied,
      pending: inspection.pending,
      baseline: inspection.baseline?.tag,
      differences: formatDifferences(inspection.differences),
      outsideSchema: inspection.outsideSchema,
    };
  } finally {
    reader.close();
  }
}
