import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A scratch libSQL server for the conformance suite's server leg. */
export const LIBSQL_URL_ENV = 'AGENTSTATE_LIBSQL_URL';

/** The Bun binary the package installs from npm (the `bun` package links its platform's). */
export function bunBinary(): string {
  const require = createRequire(import.meta.url);
  const binary = join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe');
  if (!existsSync(binary)) throw new Error(`no Bun binary at ${binary}: run pnpm install`);
  return binary;
}

/** Runs `bun test` on one file and returns what it printed. */
export function runBunTest(file: string, cwd: string) {
  const result = spawnSync(bunBinary(), ['test', '--timeout', '60000', file], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** Runs a script with the Bun binary and returns what it printed (stderr appended on failure). */
export function runBunScript(source: string) {
  const result = spawnSync(bunBinary(), ['-e', source], { encoding: 'utf8' });
  return {
    status: result.status,
    output: result.status === 0 ? result.stdout : `${result.stdout}\n${result.stderr}`,
  };
}
