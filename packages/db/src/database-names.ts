export { databaseNames, isDatabaseName, type DatabaseName } from '@agentstate/schema';
