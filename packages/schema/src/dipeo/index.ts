export * from './constants.ts';
export * from './schema.ts';
export * from './shapes.ts';
export * from './validation.ts';
export * from './database.ts';
