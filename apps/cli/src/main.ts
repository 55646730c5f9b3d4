import { routeErrorsThrough, runCommand } from '@agentstate/cli-kit';
import { Command } from 'commander';

/**
 * `agentstate`: the `pnpm db:*` commands. Each command lives in ./commands/<name>.ts and
 * exports a function that adds itself to the program. Every error, commander's included, takes
 * the one error path: one line on stderr naming the file or option, and a non-zero exit. The
 * commands (and with them every database's definition) load inside it, so a definition that
 * does not hold together is one line too.
 */
await runCommand(async () => {
  const { commands } = await import('./commands/index.ts');
  const program = new Command('agentstate').description(
    'Open, migrate, inspect and maintain the agentstate SQLite databases.',
  );
  for (const register of commands) register(program);
  await routeErrorsThrough(program).parseAsync(process.argv);
});
