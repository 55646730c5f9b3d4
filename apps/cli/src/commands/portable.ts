import type { LoadCommand, PortableCommandName } from './index.ts';

/** The commands that need only a database file: the installed package runs these. */
export const portableCommands: Record<PortableCommandName, LoadCommand> = {
  migrate: async () => (await import('./migrate.ts')).registerMigrate,
  status: async () => (await import('./status.ts')).registerStatus,
  rollback: async () => (await import('./rollback.ts')).registerRollback,
  seed: async () => (await import('./seed.ts')).registerSeedCommand,
  backup: async () => (await import('./backup.ts')).registerBackupCommand,
  restore: async () => (await import('./restore.ts')).registerRestoreCommand,
  prune: async () => (await import('./prune.ts')).registerPruneCommand,
  replicate: async () => (await import('./replicate.ts')).registerReplicateCommand,
  replicas: async () => (await import('./replicas.ts')).registerReplicasCommand,
};
