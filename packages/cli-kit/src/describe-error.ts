import { CliError, EXIT_FAILURE, EXIT_USAGE, FileError } from './cli-error.ts';

/** What a command prints for an error. */
export interface ErrorReport {
  /** `error: <file or option>: <cause>`: one line, for stderr. Empty when there is nothing to say. */
  line: string;
  /** Lines that explain it further (an adoption's difference report), for stdout. */
  details: string[];
  /** 0 for `--help`, 2 for a wrong command line, 1 for everything else. */
  exitCode: number;
}

interface ErrorFields {
  code?: unknown;
  exitCode?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
  databasePath?: unknown;
  details?: unknown;
}

/**
 * Turns any error a command can meet into the one line it prints: commander's usage errors, a
 * `CliError`, Node's file-system errors (`EISDIR`, `ENOENT`, `EACCES`, `EROFS`, ...), SQLite's
 * (`SQLITE_CANTOPEN`, `SQLITE_NOTADB`, `SQLITE_CORRUPT`, `SQLITE_READONLY`, `SQLITE_IOERR`, ...),
 * and the library's own errors, whose messages already start with the file they are about.
 * Recognised by their `code`, not their class, so no package's errors need importing here.
 */
export function describeError(error: unknown): ErrorReport {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as ErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const details = Array.isArray(fields.details)
    ? fields.details.filter((line): line is string => typeof line === 'string')
    : [];

  if (code?.startsWith('commander.')) {
    const exitCode = typeof fields.exitCode === 'number' ? fields.exitCode : EXIT_USAGE;
    if (exitCode === 0) return { line: '', details: [], exitCode: 0 }; // --help, --version
    return { line: `error: ${commanderMessage(error as Error)}`, details, exitCode: EXIT_USAGE };
  }
  const exitCode = error instanceof CliError ? error.exitCode : EXIT_FAILURE;
  return { line: `error: ${oneLine(describe(error))}`, details, exitCode };
}

/** `<where>: <cause>` for any error, without the `error: ` prefix. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const fields = error as ErrorFields;
  if (error instanceof FileError) return `${error.path}: ${describeCause(error.cause)}`;
  const cause = describeCause(error);
  const where = [fields.path, fields.databasePath].find((p) => typeof p === 'string');
  if (typeof where === 'string' && !cause.includes(where)) return `${where}: ${cause}`;
  return cause;
}

/** What went wrong, without where (the caller adds the file). */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof FileError) return describe(error);
  const fields = error as ErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : '';
  if (code.startsWith('SQLITE_')) return sqliteCause(code, error.message);
  if (/^E[A-Z]+$/.test(code) && typeof fields.syscall === 'string') {
    return fileSystemCause(code, fields.syscall, error.message, fields.dest);
  }
  return error.message;
}

/** Node's errno codes in words; the path is added by the caller. */
const fileSystemCauses: Record<string, string> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'busy',
};

function fileSystemCause(code: string, syscall: string, message: string, dest: unknown): string {
  const words = fileSystemCauses[code];
  if (!words) return message.replace(/^\w+: /, '');
  if (syscall === 'mkdir') return `cannot create this directory: ${words}`;
  if ((syscall === 'rename' || syscall === 'copyfile') && typeof dest === 'string') {
    return `cannot ${syscall === 'rename' ? 'move' : 'copy'} it to ${dest}: ${words}`;
  }
  return words;
}

/** SQLite's result codes in words, with SQLite's own text (it says which operation failed). */
function sqliteCause(code: string, message: string): string {
  const detail = `(SQLite: ${message})`;
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database';
  if (code.startsWith('SQLITE_CORRUPT')) return `the database is damaged ${detail}`;
  if (code === 'SQLITE_READONLY_DIRECTORY') return `its directory is read-only ${detail}`;
  if (code.startsWith('SQLITE_READONLY')) return `cannot write it ${detail}`;
  if (code.startsWith('SQLITE_CANTOPEN')) return `cannot open it ${detail}`;
  if (code.startsWith('SQLITE_IOERR')) return `disk I/O error ${detail}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `locked by another process ${detail}`;
  }
  if (code === 'SQLITE_FULL') return `the disk is full ${detail}`;
  if (code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return `permission denied ${detail}`;
  return `${message} (SQLite: ${code})`;
}

/**
 * commander's messages in this format: a bad value (`option '--rows <n>' argument '0' is invalid.
 * <cause>`) becomes `--rows: <cause>`; the others (unknown option, missing option, unknown command)
 * name the option already and are kept, on one line.
 */
function commanderMessage(error: Error): string {
  const message = error.message.replace(/^error: /, '');
  const option = /^option '([^']*)' argument '([^']*)' is invalid\.\s*([\s\S]*)$/.exec(message);
  // Each pattern's groups always take part in a match: the defaults never apply.
  if (option) {
    const [, flags = '', value = '', cause = ''] = option;
    return `${optionName(flags)}: ${valueCause(value, cause)}`;
  }
  const env = /^option '[^']*' value '([^']*)' from env '([^']*)' is invalid\.\s*([\s\S]*)$/.exec(
    message,
  );
  if (env) {
    const [, value = '', variable = '', cause = ''] = env;
    return `${variable}: ${valueCause(value, cause)}`;
  }
  const argument =
    /^command-argument value '([^']*)' is invalid for argument '([^']*)'\.\s*([\s\S]*)$/.exec(
      message,
    );
  if (argument) {
    const [, value = '', name = '', cause = ''] = argument;
    return `<${name}>: ${valueCause(value, cause)}`;
  }
  return oneLine(message);
}

/** `--rows <n>` or `-p, --port <n>` → `--rows`, `--port`. */
function optionName(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? /-\w/.exec(flags)?.[0] ?? flags;
}

function valueCause(value: string, cause: string): string {
  const choices = /^Allowed choices are (.*?)\.?$/.exec(cause.trim());
  if (choices) return `${JSON.stringify(value)} is not one of ${choices[1]}`;
  return oneLine(cause).replace(/\.$/, '') || `${JSON.stringify(value)} is invalid`;
}

/** Messages that span lines (commander's "Did you mean" hint, wrapped SQLite text) on one line. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
