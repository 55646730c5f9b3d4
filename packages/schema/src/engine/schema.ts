// Everything drizzle-kit and drizzle() need for the engine database: tables and relations.
export * from './contacts.ts';
export * from './conversation-notifications.ts';
export * from './missions.ts';
export * from './pings.ts';
export * from './priorities.ts';
export * from './relations.ts';
export * from './scheduled-missions.ts';
export * from './sessions.ts';
export * from './staged-content.ts';
export * from './workers.ts';
