import { launcherChain, runCommand, watchLauncher } from '@agentstate/cli-kit';
import { parseArguments } from './cli.ts';
import { startStudio, type RunningStudio } from './studio.ts';

/**
 * `pnpm db:studio --db <name>`: runs until Ctrl-C, SIGTERM or SIGHUP, or until its launcher (the
 * pnpm/tsx chain that started it) exits, then prints why, stops drizzle-kit (its whole process
 * group), the SQL box's queries and the server, and exits.
 */
async function main(): Promise<void> {
  // pnpm runs this in apps/studio; INIT_CWD is where the user typed the command.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const parsed = parseArguments(process.argv.slice(2), cwd);
  if (parsed.warning) console.warn(parsed.warning);

  const running: { studio?: RunningStudio } = {};
  let stopping = false;
  const stop = async (reason: string, code = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.error(`stopping: ${reason}`);
    // Before the studio is up, exiting is enough: drizzle-kit's group is killed on exit.
    await running.studio?.close();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(signal));
  }
  watchLauncher(
    (launcher) => void stop(`launcher pid ${launcher.pid} (${launcher.name}) exited`),
    launcherChain(),
  );

  const studio = await startStudio(parsed.options);
  running.studio = studio;
  console.log(`${studio.database}: ${studio.path}${parsed.options.write ? '' : ' (read-only)'}`);
  if (studio.drizzleStudioUrl) console.log(`Drizzle Studio: ${studio.drizzleStudioUrl}`);
  if (studio.drizzleKit) {
    console.log(
      `drizzle-kit studio: pid ${studio.drizzleKit.pid}, 127.0.0.1:${studio.drizzleKit.port} (private, behind the guard)`,
    );
  }
  console.log(`Offline browser: ${studio.browserUrl}`);
  console.log('Press Ctrl-C to stop.');

  void studio.drizzleKitExited.then(() => {
    void stop('drizzle-kit studio exited on its own', 1);
  });
}

// One error line (an adoption report on stdout above it), as every command prints. Exiting is
// needed: the signal handlers and the ancestor watch would keep the process alive.
const exitCode = await runCommand(main);
if (exitCode !== 0) process.exit(exitCode);
