// Everything drizzle-kit and drizzle() need for the dipeo database: tables and relations.
export * from './executions.ts';
export * from './messages.ts';
export * from './relations.ts';
export * from './transitions.ts';
