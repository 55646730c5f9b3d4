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
export { readPage, readRow, type Page, type PageRequest, type Filter } from './browser/rows.ts';
export { renderErDiagram } from './browser/er-diagram.ts';
export {
  checkRequest,
  DRIZZLE_STUDIO_ORIGIN,
  hostName,
  LOOPBACK_NAMES,
  type Verdict,
} from './guard/policy.ts';
