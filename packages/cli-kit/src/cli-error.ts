/** Exit code of a command that failed. */
export const EXIT_FAILURE = 1;
/** Exit code of a command line that is wrong (unknown option, bad value): nothing was attempted. */
export const EXIT_USAGE = 2;

/** An expected failure of a command: printed as one line, with this exit code. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** The command line itself is wrong (e.g. `--path` without `--db`): exit code 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/**
 * A failure while working on one file whose error does not say which (a SQLite error never does):
 * reported as `<path>: <cause>`.
 */
export class FileError extends Error {
  override readonly name = 'FileError';
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Runs `work` for the file at `path`; an error that names no file of its own is rethrown as a
 * `FileError` for `path`, so the one line says where it happened.
 */
export async function atFile<T>(path: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw namesAFile(error) ? error : new FileError(path, error);
  }
}

/** True for errors that say themselves which file or option they are about. */
export function namesAFile(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof CliError || error instanceof FileError) return true;
  const { path, databasePath } = error as { path?: unknown; databasePath?: unknown };
  return typeof path === 'string' || typeof databasePath === 'string';
}
