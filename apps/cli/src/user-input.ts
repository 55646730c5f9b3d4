import { isAbsolute, resolve } from 'node:path';
import { integerValue, UsageError } from '@agentstate/cli-kit';
import type { DatabaseName } from '@agentstate/schema';
import { resolveDatabasePath } from '@agentstate/db';
import { invocationDir, selectDatabases } from './databases-option.ts';

/** A path the user typed, made absolute from the folder they typed the command in. */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(invocationDir(), path);
}

/** The one database file a command given `--db` (required) and maybe `--path` works on. */
export function selectedDatabaseFile(options: { db?: string; path?: string }): {
  name: DatabaseName;
  path: string;
} {
  const [selection] = selectDatabases(options);
  if (!selection || options.db === undefined) throw new UsageError('--db <name> is required');
  return {
    name: selection.name,
    path: resolveDatabasePath(selection.name, { path: selection.path, cwd: invocationDir() }),
  };
}

/** commander parser for a positive whole number (`1000000` or `1_000_000`). */
export const positiveInteger = integerValue({ min: 1 });

/** commander parser for a whole number ≥ 0 (e.g. a random seed). */
export const nonNegativeInteger = integerValue({ min: 0 });
