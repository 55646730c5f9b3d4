import type { Command } from 'commander';
import { registerMigrate } from './migrate.ts';
import { registerPush } from './push.ts';
import { registerStatus } from './status.ts';

/** Every `db:*` command, in the order `--help` lists them. Add a command by adding its module here. */
export const commands: Array<(program: Command) => void> = [
  registerMigrate,
  registerStatus,
  registerPush,
];
