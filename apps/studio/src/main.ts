import { watchAncestors } from '@agentstate/db';
import { CommanderError } from 'commander';
import { parseArguments } from './cli.ts';
import { startStudio, StudioError, type RunningStudio } from './studio.ts';

/**
 * `pnpm db:studio --db <name>`: runs until Ctrl-C or SIGTERM, then stops drizzle-kit (its whole
 * process group) and the server before exiting.
 */
async function main(): Promise<void> {
  // pnpm runs this in apps/studio; INIT_CWD is where the user typed the command.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let parsed;
  try {
    parsed = parseArguments(process.argv.slice(2), cwd);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
  if (parsed.warning) console.warn(parsed.warning);

  const running: { studio?: RunningStudio } = {};
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Before the studio is up, exiting is enough: drizzle-kit's group is killed on exit.
    await running.studio?.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGHUP', () => void stop(0));
  watchAncestors(() => void stop(0));

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
    if (stopping) return;
    console.error('error: drizzle-kit studio stopped unexpectedly');
    void stop(1);
  });
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof StudioError) for (const line of error.details) console.error(`  ${line}`);
  if (process.env.AGENTSTATE_DEBUG) console.error(error);
  process.exit(1);
});
