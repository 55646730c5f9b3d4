// From the light `databases` module rather than the schema index, which loads every table and
// zod schema (~0.8 s of start-up under tsx).
export {
  databaseNames,
  isDatabaseName,
  parseDatabaseName,
  unknownDatabase,
  type DatabaseName,
} from '@agentstate/schema/registry';
