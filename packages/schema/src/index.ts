/**
 * @agentstate/schema: the Drizzle definitions of the five databases. Each database is a
 * namespace (`mcpmaker.sessions`, `engine.sessions`, ...) because table names repeat across them;
 * import `@agentstate/schema/<database>` for one database's flat exports.
 */
export * as dipeo from './dipeo/index.ts';
export * as engine from './engine/index.ts';
export * as mcpmaker from './mcpmaker/index.ts';
export * as multishot from './multishot/index.ts';
export * as pokecode from './pokecode/index.ts';
export * from './columns.ts';
export * from './databases.ts';
export * from './row-validation.ts';
export { databaseSchemas } from './database-schemas.ts';
