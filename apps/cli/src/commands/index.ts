import type { Command } from 'commander';
import { registerBackupCommand } from './backup.ts';
import { registerCheck } from './check.ts';
import { registerDocsCommand } from './docs.ts';
import { registerGenerate } from './generate.ts';
import { registerMigrate } from './migrate.ts';
import { registerNew } from './new.ts';
import { registerPruneCommand } from './prune.ts';
import { registerPush } from './push.ts';
import { registerReplicasCommand } from './replicas.ts';
import { registerReplicateCommand } from './replicate.ts';
import { registerRestoreCommand } from './restore.ts';
import { registerRollback } from './rollback.ts';
import { registerSeedCommand } from './seed.ts';
import { registerStatus } from './status.ts';

/** Every `db:*` command, in the order `--help` lists them. Add a command by adding its module here. */
export const commands: Array<(program: Command) => void> = [
  registerNew,
  registerGenerate,
  registerCheck,
  registerMigrate,
  registerStatus,
  registerRollback,
  registerPush,
  registerDocsCommand,
  registerSeedCommand,
  registerBackupCommand,
  registerRestoreCommand,
  registerPruneCommand,
  registerReplicateCommand,
  registerReplicasCommand,
];
