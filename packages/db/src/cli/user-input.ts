import { isAbsolute, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { DatabaseName } from '../database-names.ts';
import { resolveDatabasePath } from '../open/paths.ts';
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
  if (!selection || options.db === undefined) throw new Error('--db <name> is required');
  return {
    name: selection.name,
    path: resolveDatabasePath(selection.name, { path: selection.path, cwd: invocationDir() }),
  };
}

/** commander parser for a positive whole number (`1000000` or `1_000_000`). */
export function positiveInteger(value: string): number {
  const digits = value.replace(/_/g, '');
  const n = Number(digits);
  if (!/^\d+$/.test(digits) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive whole number.');
  }
  return n;
}

/** commander parser for a whole number ≥ 0 (e.g. a random seed). */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a whole number ≥ 0.');
  }
  return n;
}
