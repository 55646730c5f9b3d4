// Everything drizzle-kit and drizzle() need for the multishot database: tables and relations.
export * from './agents.ts';
export * from './credentials.ts';
export * from './output-logs.ts';
export * from './relations.ts';
export * from './rounds.ts';
export * from './runs.ts';
