import { portableCommands } from './commands/portable.ts';
import { workspaceCommands } from './commands/workspace.ts';
import { runAgentstate } from './program.ts';

/**
 * `agentstate` in this repository (the `pnpm db:*` scripts run it with tsx): every command. Each
 * command lives in ./commands/<name>.ts and exports a function that adds itself to the program;
 * ./commands/index.ts lists them. Every error, commander's included, takes the one error path:
 * one line on stderr naming the file or option, and a non-zero exit.
 */
await runAgentstate({ ...portableCommands, ...workspaceCommands });
