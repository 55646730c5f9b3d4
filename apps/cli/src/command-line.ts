/**
 * How the user runs a command, for the hints the commands print: `pnpm db:<name>` in this
 * repository, `agentstate <name>` where the package is installed (bin.ts says so).
 */
let prefix = 'pnpm db:';

export function runningInstalled(): void {
  prefix = 'agentstate ';
}

export const commandLine = (name: string): string => `${prefix}${name}`;
