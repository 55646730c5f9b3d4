// Public API of @agentstate/studio: start the studio from code (the CLI is src/main.ts).
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  startStudio,
  StudioError,
  type RunningStudio,
  type StudioOptions,
} from './studio.ts';
export { createStudioServer, type StudioServerOptions } from './server.ts';
export { DatabaseCatalog, type DatabaseSummary, type TableState } from './browser/catalog.ts';
export {
  databaseMeta,
  describeDatabase,
  type ColumnMeta,
  type DatabaseMeta,
  type LinkMeta,
  type TableMeta,
} from './browser/metadata.ts';
export {
  BadRequestError,
  readPage,
  readRow,
  viewSql,
  type Page,
  type PageRequest,
  type ViewRequest,
  type Filter,
} from './browser/rows.ts';
export { exportRows, csvField, type ExportFormat } from './browser/export.ts';
export {
  SqlBox,
  SQL_ROW_LIMIT,
  SQL_TIME_LIMIT_MS,
  type SqlBoxOptions,
  type SqlPage,
} from './browser/sql-box.ts';
export { renderErDiagram } from './browser/er-diagram.ts';
export {
  checkRequest,
  DRIZZLE_STUDIO_ORIGIN,
  hostName,
  LOOPBACK_NAMES,
  type Verdict,
} from './guard/policy.ts';
