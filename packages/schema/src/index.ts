/**
 * @agentstate/schema: every database's definition (`databases`, the registry), and what they are
 * made of. Import `@agentstate/schema/<database>` for one database's tables, constants, shapes
 * and row schemas (table names repeat across databases).
 */
export * from './columns.ts';
export * from './define-database.ts';
export * from './registry.ts';
export * from './row-schemas.ts';
export * from './row-validation.ts';
export * from './sql-text.ts';
export * from './database-schemas.ts';
