export { adoptDatabase, type AdoptOptions, type AdoptResult } from './adopt.ts';
export { renameInCreateIndex, renameInCreateTable } from './create-statement.ts';
export {
  adoptAndMigrate,
  type AdoptAndMigrateOptions,
  type AdoptAndMigrateResult,
} from './adopt-and-migrate.ts';
export { affinity, compareSchemas, type Difference, type Fix } from './compare.ts';
export { databaseStatus, type DatabaseStatus } from './database-status.ts';
export { inspectDatabase, type AdoptionState, type Inspection } from './inspect.ts';
export {
  planOutsideTables,
  tablesOutsideSchema,
  type OutsidePlan,
  type OutsideTable,
  type RenamedIndex,
} from './outside-schema.ts';
export {
  ADOPTED_MIGRATIONS_TABLE,
  readLiveSchema,
  type ColumnSchema,
  type ForeignKeySchema,
  type IndexSchema,
  type LiveSchema,
  type TableSchema,
} from './live-schema.ts';
export {
  AdoptionConflictError,
  formatDifference,
  formatDifferences,
  formatOutsideTables,
} from './report.ts';
export { targetSteps, type TargetStep } from './target-schema.ts';
