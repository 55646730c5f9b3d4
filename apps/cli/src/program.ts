import { routeErrorsThrough, runCommand, UsageError } from '@agentstate/cli-kit';
import { Command } from 'commander';
import {
  commandNames,
  type CommandName,
  type LoadCommand,
  workspaceCommandNames,
} from './commands/index.ts';

/**
 * Runs `agentstate` with the commands `loaders` holds. A command that is missing from them is a
 * workspace command run from the installed package: one line says where it works. Only the
 * command being run is imported (every one for `--help` or an unknown name), so `status` does not
 * load the docs renderer or the seeders. The commands load inside the one error path, so a
 * definition that does not hold together is one line too.
 */
export async function runAgentstate(
  loaders: Partial<Record<CommandName, LoadCommand>>,
  argv: readonly string[] = process.argv,
): Promise<void> {
  await runCommand(async () => {
    const program = new Command('agentstate').description(
      'Open, migrate, inspect and maintain the agentstate SQLite databases.',
    );
    const requested = argv[2];
    const only = commandNames.find((name) => name === requested);
    const runnable = commandNames.filter((name) => loaders[name] !== undefined);
    for (const name of only ? [only] : commandNames) {
      const load = loaders[name];
      if (load) (await load())(program);
      else addWorkspaceOnly(program, name, runnable);
    }
    await routeErrorsThrough(program).parseAsync([...argv]);
  });
}

/** A workspace command in the installed package: hidden from `--help`, one line when run. */
function addWorkspaceOnly(
  program: Command,
  name: CommandName,
  runnable: readonly CommandName[],
): void {
  if (!(workspaceCommandNames as readonly string[]).includes(name)) {
    throw new Error(`agentstate: no module for the command ${name}`);
  }
  program
    .command(name, { hidden: true })
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError(
        `${name}: works only in a clone of the agentstate repository, as pnpm db:${name} ` +
          `(it works on the repository's schema sources and docs with drizzle-kit); this installed agentstate ` +
          `runs ${runnable.join(', ')}`,
      );
    });
}
