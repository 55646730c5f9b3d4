import { FileError, namesAFile, UsageError } from '@agentstate/cli-kit';
import { Option, type Command } from 'commander';
import { checkLibsqlUrl, LIBSQL_AUTH_TOKEN_ENV, libsqlFilePath } from '@agentstate/db';
import { parseDatabaseName, type DatabaseName } from '@agentstate/schema';

export interface LibsqlOptionValues {
  db?: string;
  path?: string;
  url?: string;
  authToken?: string;
  throughClient?: boolean;
}

/** `--url` and `--auth-token`: a libSQL server instead of a file. */
export function addLibsqlOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'a libSQL server (libsql://, http(s)://, ws(s)://), with --db: through its client, no backup; a file: URL is that file',
    )
    .option(
      '--auth-token <token>',
      `the server's token (default: $${LIBSQL_AUTH_TOKEN_ENV}, which other users cannot read from the process list)`,
    )
    .addOption(
      // The server code path on a file: URL, so it can be exercised without a server.
      new Option('--through-client', 'a file: URL through the client too, as a server').hideHelp(),
    );
}

/**
 * The server a command acts on, or the file a `file:` URL names (then it is an ordinary
 * `--path`); undefined without `--url`. Bad combinations are one usage error.
 */
export function libsqlTarget(
  options: LibsqlOptionValues,
):
  | { name: DatabaseName; url: string; authToken: string | undefined }
  | { path: string }
  | undefined {
  if (options.url === undefined) {
    if (options.authToken !== undefined) throw new UsageError('--auth-token needs --url <url>');
    return undefined;
  }
  if (options.db === undefined) {
    throw new UsageError('--url needs --db <name>: a database URL holds one database');
  }
  if (options.path !== undefined) {
    throw new UsageError('--url and --path name two databases: give one of them');
  }
  try {
    checkLibsqlUrl(options.url);
  } catch (error) {
    throw new UsageError(`--${(error as Error).message}`);
  }
  const path = libsqlFilePath(options.url);
  if (path !== undefined && !options.throughClient) return { path };
  return { name: parseDatabaseName(options.db), url: options.url, authToken: options.authToken };
}

/**
 * Runs `work` against the server at `url`: an error that names no database of its own is one
 * line `<url>: <cause>`, with the network's own reason (`fetch failed` alone says nothing).
 */
export async function atServer<T>(url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (namesAFile(error) || !(error instanceof Error)) throw error;
    const cause = error.cause instanceof Error ? error.cause.message : '';
    const reason = cause && !error.message.includes(cause) ? ` (${cause})` : '';
    throw new FileError(url, new Error(`${error.message}${reason}`, { cause: error }));
  }
}
