// Everything drizzle-kit and drizzle() need for the mcpmaker database: tables and relations.
export * from './config.ts';
export * from './playback-logs.ts';
export * from './relations.ts';
export * from './sessions.ts';
export * from './workflow-sessions.ts';
export * from './workflows.ts';
