import { closeSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { definitionOf, type DatabaseName } from '@agentstate/schema';

export const MEMORY_PATH = ':memory:';

/** The environment variable that overrides a database's file, e.g. `AGENTSTATE_POKECODE_PATH`. */
export function pathEnvVar(name: DatabaseName): string {
  return definitionOf(name).envVar;
}

export interface ResolvePathOptions {
  /** Explicit file (or `:memory:`); wins over the environment and the default. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

/**
 * The database file to open: `options.path`, else `AGENTSTATE_<NAME>_PATH`, else the original
 * tool's location. Relative paths resolve from the working directory; `~/` from the home folder.
 */
export function resolveDatabasePath(name: DatabaseName, options: ResolvePathOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  const chosen = options.path ?? (env[pathEnvVar(name)] || undefined);
  if (chosen === undefined) {
    const location = definitionOf(name).location;
    return join(location.base === 'home' ? home : cwd, location.path);
  }
  if (chosen === MEMORY_PATH) return chosen;
  if (chosen === '~' || chosen.startsWith('~/')) return join(home, chosen.slice(1));
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/**
 * Creates the database's folder (0700) and an empty file (0600) if they are missing, so agent
 * state is private to its user from the first write. Existing folders and files are left as they are.
 */
export function ensureDatabaseFile(path: string): void {
  if (path === MEMORY_PATH) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}
