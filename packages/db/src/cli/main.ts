#!/usr/bin/env -S node --import tsx
import { Command } from 'commander';
import { commands } from './commands/index.ts';
import { CliError } from './cli-error.ts';

/**
 * `agentstate-db`: the `pnpm db:*` commands. Each command lives in ./commands/<name>.ts and
 * exports a function that adds itself to the program.
 */
const program = new Command('agentstate-db')
  .description('Open, migrate, inspect and maintain the agentstate SQLite databases.')
  .configureOutput({ outputError: (text, write) => write(text) });

for (const register of commands) register(program);

try {
  await program.parseAsync();
} catch (error) {
  // One clear line and a non-zero exit; the stack only when asked for.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error: ${message}`);
  if (process.env.AGENTSTATE_DEBUG) console.error(error);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
