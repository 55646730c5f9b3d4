import { runProgram } from '@agentstate/cli-kit';
import { Command } from 'commander';
import { commands } from './commands/index.ts';

/**
 * `agentstate`: the `pnpm db:*` commands. Each command lives in ./commands/<name>.ts and
 * exports a function that adds itself to the program. Every error, commander's included, takes
 * the one error path: one line on stderr naming the file or option, and a non-zero exit.
 */
const program = new Command('agentstate').description(
  'Open, migrate, inspect and maintain the agentstate SQLite databases.',
);

for (const register of commands) register(program);

await runProgram(program);
