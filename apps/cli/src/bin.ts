#!/usr/bin/env node
import { runningInstalled } from './command-line.ts';
import { portableCommands } from './commands/portable.ts';
import { runAgentstate } from './program.ts';

/**
 * `agentstate` as the package installs it (built to dist/bin.js): the commands that need only a
 * database file. The workspace commands say in one line that they work only in the repository.
 */
runningInstalled();
await runAgentstate(portableCommands);
