import { optionValue, UsageError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import { databaseNames, parseDatabaseName, type DatabaseName } from '@agentstate/schema';

/** The `--db <name>` parser of every command: one wording for an unknown database. */
export const databaseNameValue = optionValue(parseDatabaseName);

export interface DatabaseSelection {
  name: DatabaseName;
  /** An explicit file from --path; otherwise the environment variable or the default location. */
  path: string | undefined;
}

/**
 * Where relative paths and the cwd-relative default locations (dipeo, engine) resolve from: pnpm
 * runs package scripts inside the package, and sets INIT_CWD to where the command was typed.
 */
export function invocationDir(): string {
  return process.env.INIT_CWD || process.cwd();
}

export function addDatabaseOptions(command: Command, required: boolean): Command {
  const db = `--db <name>`;
  const description = `one of ${databaseNames.join(', ')}`;
  return (
    required
      ? command.requiredOption(db, description, databaseNameValue)
      : command.option(db, `${description} (default: all)`, databaseNameValue)
  ).option(
    '--path <file>',
    `the database file (with --db; default: $AGENTSTATE_<NAME>_PATH, else the tool's own location)`,
  );
}

/** The databases a command acts on; bad input is one clear error before anything is opened. */
export function selectDatabases(options: { db?: string; path?: string }): DatabaseSelection[] {
  const db = options.db === undefined ? undefined : parseDatabaseName(options.db);
  if (options.path !== undefined && db === undefined) {
    throw new UsageError('--path needs --db <name>: a file holds one database');
  }
  if (options.path === '') throw new UsageError('--path: the path is empty');
  const names = db ? [db] : [...databaseNames];
  return names.map((name) => ({ name, path: options.path }));
}

/** `1.2 MB`, `512 B` */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
