import type { Command } from 'commander';

/** Adds one command to the program. Each command module exports one. */
export type RegisterCommand = (program: Command) => void;
/** Imports a command's module only when that command runs (or `--help` lists every command). */
export type LoadCommand = () => Promise<RegisterCommand>;

/**
 * Every command, in the order `--help` lists them. The workspace commands change this repository
 * (its schema sources with drizzle-kit, `docs/`, a new database's folder), so they work only in
 * it; the others need only a database file, and run from the installed package too.
 */
export const commandNames = [
  'new',
  'generate',
  'check',
  'migrate',
  'status',
  'rollback',
  'squash',
  'push',
  'docs',
  'seed',
  'backup',
  'restore',
  'prune',
  'replicate',
  'replicas',
] as const;
export type CommandName = (typeof commandNames)[number];

export const workspaceCommandNames = [
  'new',
  'generate',
  'check',
  'squash',
  'push',
  'docs',
] as const satisfies readonly CommandName[];
export type WorkspaceCommandName = (typeof workspaceCommandNames)[number];
export type PortableCommandName = Exclude<CommandName, WorkspaceCommandName>;
