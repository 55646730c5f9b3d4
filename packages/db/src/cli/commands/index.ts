import type { Command } from 'commander';

/** Every `db:*` command, in the order `--help` lists them. Add a command by adding its module here. */
export const commands: Array<(program: Command) => void> = [];
