import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliPackageDir } from './cli.ts';

const require = createRequire(import.meta.url);
const packageDirOf = (name: string) =>
  dirname(realpathSync(require.resolve(`${name}/package.json`)));

/** The packages a project outside this workspace installs, in the order they depend on each other. */
export const packedPackages = [
  '@agentstate/cli-kit',
  '@agentstate/schema',
  '@agentstate/db',
  '@agentstate/cli',
] as const;

/** A child's output, and a readable failure when it did not exit 0. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeout ?? 600_000,
  });
}

export function mustRun(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): string {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited with ${result.status ?? result.signal}:\n` +
        `${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * Builds each package (`pnpm run build`: tsc for the libraries, esbuild for the CLI) and packs it
 * with `pnpm pack`, as a release would; returns the tarballs' paths.
 */
export function packPackages(): Record<(typeof packedPackages)[number], string> {
  const out = mkdtempSync(join(tmpdir(), 'agentstate-packs-'));
  const tarballs: Partial<Record<(typeof packedPackages)[number], string>> = {};
  for (const name of packedPackages) {
    const dir = name === '@agentstate/cli' ? cliPackageDir : packageDirOf(name);
    mustRun('pnpm', ['run', 'build'], { cwd: dir });
    // pnpm pack prints the tarball's path last.
    const printed = mustRun('pnpm', ['pack', '--pack-destination', out], { cwd: dir });
    tarballs[name] = printed.trim().split('\n').at(-1)!.trim();
  }
  return tarballs as Record<(typeof packedPackages)[number], string>;
}

/**
 * A fresh project outside this workspace (an ES module package with nothing installed), with a
 * home of its own so default locations land in it. The environment a child there gets: no
 * variables of this workspace's pnpm run (INIT_CWD would stand for the command's folder).
 */
export interface Project {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

export function freshProject(name: string): Project {
  const root = mkdtempSync(join(tmpdir(), `agentstate-${name}-`));
  const dir = join(root, 'project');
  const home = join(root, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  // better-sqlite3 at the version this workspace built, so that the seeded prebuild (see
  // seedPrebuildCache) is the one its install looks for, whatever the registry's latest is.
  const addon = JSON.parse(
    readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8'),
  ) as { version: string };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `fresh-${name}`,
        private: true,
        type: 'module',
        overrides: { 'better-sqlite3': addon.version },
      },
      null,
      2,
    ),
  );
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(INIT_CWD|npm_|PNPM_|pnpm_|AGENTSTATE_|NODE_OPTIONS$|VITEST)/.test(key),
    ),
  );
  // npm's cache and its settings stay the user's (they hold the registry and the packages
  // already fetched); the home the snippet and the CLI see is the project's.
  return {
    dir,
    home,
    env: {
      ...env,
      HOME: home,
      npm_config_cache: join(homedir(), '.npm'),
      npm_config_userconfig: join(homedir(), '.npmrc'),
      NO_COLOR: '1',
    },
  };
}

/**
 * Where no prebuilt better-sqlite3 can be downloaded, each install compiles it (minutes). Its
 * install script, prebuild-install, first looks in npm's cache (`_prebuilds/`) for the file it
 * would download: this puts there, under the name prebuild-install itself computes, the addon
 * this workspace's install already built for this Node, so a fresh project installs in seconds.
 * A project that resolves another better-sqlite3 version misses it and compiles as before.
 */
export function seedPrebuildCache(cacheDir: string): void {
  const addonPackage = require.resolve('better-sqlite3/package.json');
  const addonDir = dirname(addonPackage);
  const addon = join(addonDir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(addon)) return;
  const prebuildInstall = createRequire(addonPackage);
  const pkg = JSON.parse(readFileSync(addonPackage, 'utf8')) as object;
  const previousCache = process.env.npm_config_cache;
  process.env.npm_config_cache = cacheDir;
  try {
    const rc = (prebuildInstall('prebuild-install/rc') as (pkg: object) => object)(pkg);
    const util = prebuildInstall('prebuild-install/util') as {
      getDownloadUrl(opts: object): string;
      cachedPrebuild(url: string): string;
    };
    const cached = util.cachedPrebuild(util.getDownloadUrl({ ...rc, pkg }));
    mkdirSync(dirname(cached), { recursive: true });
    mustRun('tar', ['-czf', cached, 'build/Release/better_sqlite3.node'], { cwd: addonDir });
  } finally {
    if (previousCache === undefined) delete process.env.npm_config_cache;
    else process.env.npm_config_cache = previousCache;
  }
}
