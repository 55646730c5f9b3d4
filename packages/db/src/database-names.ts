import type { embeddedMigrations } from '@agentstate/schema/migrations';

/** The five databases, by the name used in folders, commands and env vars. */
export type DatabaseName = keyof typeof embeddedMigrations;
