// What a database is made of, read from its definition: tables, keys, relationships, columns.
// The docs writer, the seeder and the studio all read the schema through this one module.
export * from './columns.ts';
export * from './relationships.ts';
export * from './tables.ts';
