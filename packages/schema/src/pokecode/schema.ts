// Everything drizzle-kit and drizzle() need for the pokecode database: tables and relations.
export * from './devices.ts';
export * from './job-queue.ts';
export * from './relations.ts';
export * from './session-messages.ts';
export * from './sessions.ts';
