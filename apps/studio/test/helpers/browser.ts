import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../../src/kit/drizzle-kit.ts';
import { run, studioRoot, type RunningCommand } from './processes.ts';

const executablePath = process.env.AGENTSTATE_CHROMIUM ?? '/usr/bin/chromium';

/** Chromium as the browser tests run it: headless, offline, nothing fetched in the background. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface StudioInBrowser {
  studio: RunningCommand;
  context: BrowserContext;
  page: Page;
  /** `http://127.0.0.1:<port>` of the running studio. */
  base: string;
  /** Closes the browser, then stops the studio with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * The studio started on a free port over a pokecode and an engine file (no dipeo file, no
 * drizzle-kit), and one Chromium page beside it. `args` are added to the studio's command line.
 */
export async function startStudioInBrowser(options: {
  dir: string;
  pokecodePath: string;
  enginePath: string;
  args?: string[];
  viewport?: { width: number; height: number };
}): Promise<StudioInBrowser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `${executablePath} is missing: run \`pnpm -F @agentstate/studio install-browser\` (Debian's chromium)`,
    );
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const studio = run(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      '--db',
      'pokecode',
      '--path',
      options.pokecodePath,
      '--engine-path',
      options.enginePath,
      '--port',
      String(port),
      '--no-drizzle-kit',
      ...(options.args ?? []),
    ],
    {
      cwd: studioRoot,
      env: { HOME: options.dir, AGENTSTATE_DIPEO_PATH: join(options.dir, 'none.db') },
    },
  );
  let context: BrowserContext | undefined;
  const stop = async () => {
    await context?.close();
    if (studio.child.exitCode === null) {
      studio.child.kill('SIGTERM');
      await studio.exited;
    }
  };
  try {
    await studio.waitFor(/Offline browser:/);
    context = await chromium.launchPersistentContext(join(options.dir, 'profile'), {
      executablePath,
      args: chromiumArgs,
      headless: true,
      ...(options.viewport ? { viewport: options.viewport } : {}),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return { studio, context, page, base, stop };
}
