import type { LoadCommand, WorkspaceCommandName } from './index.ts';

/** The commands that change this repository: drizzle-kit, the schema sources, `docs/`. */
export const workspaceCommands: Record<WorkspaceCommandName, LoadCommand> = {
  new: async () => (await import('./new.ts')).registerNew,
  generate: async () => (await import('./generate.ts')).registerGenerate,
  check: async () => (await import('./check.ts')).registerCheck,
  squash: async () => (await import('./squash.ts')).registerSquash,
  push: async () => (await import('./push.ts')).registerPush,
  docs: async () => (await import('./docs.ts')).registerDocsCommand,
};
