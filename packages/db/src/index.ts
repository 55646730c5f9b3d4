// Public API of @agentstate/db. Importing it opens nothing: call openDatabase().
export {
  databaseNames,
  isDatabaseName,
  parseDatabaseName,
  unknownDatabase,
  type DatabaseName,
} from './database-names.ts';

export {
  defaultLocations,
  ensureDatabaseFile,
  MEMORY_PATH,
  pathEnvVar,
  resolveDatabasePath,
  type DefaultLocation,
  type ResolvePathOptions,
} from './open/paths.ts';
export {
  CACHE_SIZE_KIB,
  configureConnection,
  DEFAULT_BUSY_TIMEOUT_MS,
  JOURNAL_SIZE_LIMIT_BYTES,
  type ConnectionOptions,
  type Durability,
} from './open/pragmas.ts';
export {
  assertCreatable,
  assertWritable,
  DatabaseFileError,
  examineDatabaseFile,
  type DatabaseFile,
  type DatabaseFileProblem,
  type JournalMode,
} from './open/database-file.ts';
export { openReader, readDatabaseFile, readModeFor, type ReadMode } from './open/read-only.ts';
export { inspectDatabaseFile, refuseUnusable, type FileInspection } from './open/inspect-file.ts';
export {
  openConnection,
  openDatabase,
  type DatabaseHandle,
  type OpenDatabaseOptions,
  type OpenMigrateOptions,
} from './open/open-database.ts';

export {
  hashMigration,
  loadMigrations,
  type Migration,
  type MigrationSource,
} from './migrate/load-migrations.ts';
export { migrationStatements, STATEMENT_BREAKPOINT } from './migrate/statements.ts';
export {
  ensureMigrationsTable,
  MIGRATIONS_TABLE,
  readAppliedMigrations,
  recordMigration,
  type AppliedMigration,
} from './migrate/migrations-table.ts';
export { planFromRecords, planMigrations, type MigrationPlan } from './migrate/plan.ts';
export {
  DEFAULT_LOCK_TIMEOUT_MS,
  migrate,
  type BackupOptions,
  type MigrateEvent,
  type MigrateOptions,
  type MigrateResult,
} from './migrate/migrate.ts';
export {
  EditedMigrationError,
  ForeignKeyViolationError,
  InvalidMigrationsError,
  MigrationError,
  MigrationFailedError,
  NewerDatabaseError,
  NotMigratableError,
  restoreHint,
  type EditedMigration,
  type ForeignKeyViolation,
  type MigrationErrorCode,
} from './migrate/errors.ts';

export {
  backupPathFor,
  createBackup,
  DEFAULT_BACKUPS_KEPT,
  defaultBackupDir,
  listBackups,
  pruneBackups,
} from './backup/backup.ts';
export { fsyncPath } from './backup/fsync.ts';

// Typed clients: every access pattern of the five databases, validated, atomic, prepared once.
export * from './client/index.ts';

export {
  ADOPTED_MIGRATIONS_TABLE,
  AdoptionConflictError,
  adoptAndMigrate,
  adoptDatabase,
  compareSchemas,
  databaseStatus,
  formatDifferences,
  formatOutsideTables,
  inspectDatabase,
  readLiveSchema,
  tablesOutsideSchema,
  targetSteps,
  type AdoptAndMigrateOptions,
  type AdoptAndMigrateResult,
  type AdoptionState,
  type AdoptOptions,
  type AdoptResult,
  type DatabaseStatus,
  type Difference,
  type Inspection,
  type LiveSchema,
  type OutsideTable,
  type RenamedIndex,
  type TableSchema,
} from './adopt/index.ts';

// Continuous replication with Litestream, and restores from its replicas.
export {
  Replication,
  startReplication,
  type ReplicatedEvent,
  type ReplicationEvents,
  type ReplicationOptions,
  type ReplicationState,
} from './replicate/replication.ts';
export {
  isReplicatorAttached,
  ReplicationError,
  replicatorOf,
  withReplicationPaused,
  type ReplicatorInfo,
} from './replicate/coordination.ts';
export {
  parseReplicaTarget,
  ReplicaTargetError,
  type ReplicaTarget,
} from './replicate/replica-target.ts';
export {
  replicaHistory,
  type ReplicaGeneration,
  type ReplicaHistory,
  type ReplicaSnapshot,
} from './replicate/replica-history.ts';
export {
  restoreFromReplica,
  type ReplicaRestoreOptions,
  type ReplicaRestoreReport,
} from './replicate/restore-from-replica.ts';
export {
  LITESTREAM_BINARY_ENV,
  litestreamBinary,
  LitestreamMissingError,
} from './replicate/litestream-binary.ts';
export { DEFAULT_MONITOR_INTERVAL_MS } from './replicate/litestream-config.ts';
export { formatPosition, type ReplicaPosition } from './replicate/litestream-log.ts';
