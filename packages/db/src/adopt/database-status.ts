import type { DatabaseName } from '../database-names.ts';
import { formatDrift, schemaDrift } from '../migrate/drift.ts';
import { loadMigrations, type Migration } from '../migrate/load-migrations.ts';
import { readDatabaseFile } from '../open/read-only.ts';
import { inspectDatabaseFile } from '../open/inspect-file.ts';
import { MEMORY_PATH, resolveDatabasePath, type ResolvePathOptions } from '../open/paths.ts';
import type { AdoptionState } from './inspect.ts';
import type { OutsideTable } from './outside-schema.ts';
import { formatDifferences } from './report.ts';

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
  /**
   * For a managed database: how its schema differs from what its applied migrations produce
   * (a hand-made index, a dropped column), one line each; empty when it does not.
   */
  drift: string[];
}

/**
 * Where a database stands, found without writing anything: no file is created, and none is left
 * beside it (no `-wal`, no `-shm`), in a read-only folder too (see `readDatabaseFile`).
 */
export async function databaseStatus(
  name: DatabaseName,
  options: Pick<ResolvePathOptions, 'path' | 'env' | 'cwd' | 'home'> & {
    migrations?: readonly Migration[];
  } = {},
): Promise<DatabaseStatus> {
  const path = resolveDatabasePath(name, options);
  const migrations = options.migrations ?? loadMigrations(name);
  const status: DatabaseStatus = {
    name,
    path,
    exists: false,
    sizeBytes: 0,
    walBytes: 0,
    state: 'new',
    applied: [],
    pending: migrations.map((m) => m.tag),
    baseline: undefined,
    differences: [],
    outsideSchema: [],
    drift: [],
  };
  if (path === MEMORY_PATH) return status;
  const { file, inspection } = await inspectDatabaseFile(path, migrations, {
    outsideTables: true,
  });
  const sizes = { exists: file.bytes > 0, sizeBytes: file.bytes, walBytes: file.walBytes ?? 0 };
  if (!inspection) return { ...status, ...sizes };
  return {
    ...status,
    ...sizes,
    state: inspection.state,
    applied: inspection.applied,
    pending: inspection.pending,
    baseline: inspection.baseline?.tag,
    differences: formatDifferences(inspection.differences),
    outsideSchema: inspection.outsideSchema,
    drift:
      inspection.state === 'managed'
        ? (await readDatabaseFile(path, (reader) => schemaDrift(reader, migrations))).map(
            formatDrift,
          )
        : [],
  };
}
