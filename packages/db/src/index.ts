// Public API of @agentstate/db: open, migrate, adopt, back up, restore, prune and replicate the
// databases, and their typed clients. Importing it opens nothing: call openDatabase().
export type { DatabaseName } from '@agentstate/schema';

// Opening: one path for every caller, read-only checks before any write.
export {
  openConnection,
  openDatabase,
  type DatabaseHandle,
  type OpenDatabaseOptions,
  type OpenMigrateOptions,
} from './open/open-database.ts';
export type { ConnectionOptions, Durability } from './open/pragmas.ts';
export type {
  DriverKind,
  RunResult,
  SqliteConnection,
  SqliteStatement,
  SqliteTransaction,
  SyncDriverKind,
} from './driver/types.ts';
export { betterSqlite3Of } from './driver/better-sqlite3.ts';
export { driverOf, runtimeDriver } from './driver/sync-driver.ts';
export {
  checkLibsqlUrl,
  LIBSQL_AUTH_TOKEN_ENV,
  libsqlFilePath,
  type LibsqlHandle,
  type LibsqlOptions,
} from './driver/libsql.ts';
export type { OpenLibsqlMigrateOptions, OpenLibsqlOptions } from './open/open-libsql.ts';
export {
  ensureDatabaseFile,
  MEMORY_PATH,
  pathEnvVar,
  resolveDatabasePath,
  type ResolvePathOptions,
} from './open/paths.ts';
export {
  assertCreatable,
  assertWritable,
  DatabaseFileError,
  examineDatabaseFile,
  type DatabaseFile,
  type DatabaseFileProblem,
} from './open/database-file.ts';
export { openReader, readDatabaseFile, readModeFor, type ReadMode } from './open/read-only.ts';

// Migrating: drizzle-kit's migrations, without drizzle-orm's data-loss and skip bugs.
export { loadMigrations, type Migration, type MigrationSource } from './migrate/load-migrations.ts';
export { readAppliedMigrations, type AppliedMigration } from './migrate/migrations-table.ts';
export { planMigrations, type MigrationPlan } from './migrate/plan.ts';
export {
  migrate,
  type BackupOptions,
  type MigrateEvent,
  type MigrateOptions,
  type MigrateResult,
} from './migrate/migrate.ts';
export {
  BEFORE_FIRST_STEP,
  IrreversibleStepError,
  rollback,
  type RollbackEvent,
  type RollbackOptions,
  type RollbackResult,
} from './migrate/rollback.ts';
export { DriftError, formatDrift, schemaDrift, type Drift } from './migrate/drift.ts';
export { withoutDataWork } from './migrate/apply-step.ts';
export { squashStep, withoutSquash } from './migrate/squash.ts';
export { compareSquashedFiles, historyColumnOrder, verifySquash } from './migrate/verify-squash.ts';
export {
  migrateLibsql,
  NO_BACKUP_NOTE,
  type LibsqlMigrateEvent,
  type LibsqlMigrateOptions,
  type LibsqlMigrateResult,
} from './migrate/migrate-libsql.ts';
export { readServerSchema, serverDrift, type ServerSchema } from './migrate/server-schema.ts';
export {
  libsqlDatabaseStatus,
  migrateLibsqlUrl,
  type LibsqlUrlOptions,
} from './open/libsql-server.ts';
export {
  DryRunFailedError,
  dryRunMigrations,
  type DryRunOptions,
  type DryRunReport,
  type DryRunStep,
  type DryRunTable,
} from './migrate/dry-run.ts';
export {
  acknowledgementProblems,
  formatFinding,
  LINT_RULES,
  lintMigration,
  lintMigrations,
  readAcknowledgements,
  type Acknowledgement,
  type LintFinding,
  type LintRule,
} from './migrate/lint.ts';
export {
  EditedMigrationError,
  ForeignKeyViolationError,
  InvalidMigrationsError,
  MigrationError,
  MigrationFailedError,
  NewerDatabaseError,
  NotMigratableError,
  type MigrationErrorCode,
} from './migrate/errors.ts';

// Adopting a file the original tool made.
export {
  AdoptionConflictError,
  adoptAndMigrate,
  adoptDatabase,
  databaseStatus,
  formatDifferences,
  formatOutsideTables,
  type AdoptAndMigrateOptions,
  type AdoptAndMigrateResult,
  type AdoptionState,
  type AdoptOptions,
  type AdoptResult,
  type DatabaseStatus,
  type Difference,
  type OutsideTable,
} from './adopt/index.ts';

// Backups, restores and retention.
export {
  backupPathFor,
  createBackup,
  DEFAULT_BACKUPS_KEPT,
  defaultBackupDir,
  listBackups,
  pruneBackups,
} from './backup/backup.ts';
export {
  backupDatabase,
  BackupVerificationError,
  type BackupReport,
} from './maintenance/backup-database.ts';
export {
  restoreDatabase,
  RestoreRefusedError,
  type RestoreReport,
} from './maintenance/restore-database.ts';
export {
  pruneDatabase,
  type PruneOptions,
  type PruneReport,
  type PruneStepResult,
} from './maintenance/prune-database.ts';

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
  withReplicationPaused,
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
  type PassedOverState,
  type ReplicaRestoreOptions,
  type ReplicaRestoreReport,
} from './replicate/restore-from-replica.ts';
export { LITESTREAM_BINARY_ENV, LitestreamMissingError } from './replicate/litestream-binary.ts';
export { DEFAULT_MONITOR_INTERVAL_MS } from './replicate/litestream-config.ts';
export { formatPosition, type ReplicaPosition } from './replicate/litestream-log.ts';
export { litestreamMetaDir } from './replicate/lag-tracker.ts';

// Typed clients: every access pattern of each database, validated, atomic, prepared once.
export * from './client/index.ts';
