import { integerValue, optionValue, routeErrorsThrough } from '@agentstate/cli-kit';
import { Command, Option } from 'commander';
import { databaseNames, parseDatabaseName, type DatabaseName } from '@agentstate/schema';
import { isLoopbackAddress } from './guard/policy.ts';
import { DEFAULT_HOST, DEFAULT_PORT, type StudioOptions } from './studio.ts';

const parsePort = integerValue({ min: 0, max: 65_535 });
const parseDatabase = optionValue(parseDatabaseName);

export interface ParsedCommand {
  options: StudioOptions;
  /** Printed before starting when the host is not loopback. */
  warning: string | undefined;
}

/** `pnpm db:studio` arguments → studio options. Relative paths resolve against `cwd`. */
export function parseArguments(argv: readonly string[], cwd: string): ParsedCommand {
  const program = new Command('db:studio')
    .description(
      'Browse an agentstate database: drizzle-kit studio behind a loopback guard, plus an offline browser of every database on the same port.',
    )
    .addOption(
      new Option('--db <name>', 'the database Drizzle Studio opens (migrated first)')
        .argParser(parseDatabase)
        .makeOptionMandatory(),
    )
    .option(
      '--path <file>',
      'its file (default: AGENTSTATE_<NAME>_PATH, else where the tool keeps it)',
    )
    .option(
      '--port <n>',
      'port of the guard: the Drizzle Studio page and the offline browser',
      parsePort,
      DEFAULT_PORT,
    )
    .option(
      '--host <address>',
      'address to bind; anything but loopback exposes your data',
      DEFAULT_HOST,
    )
    .option(
      '--write',
      'let Drizzle Studio change the database, and the browser retry its failed jobs (default: read-only)',
      false,
    )
    .option('--no-drizzle-kit', 'serve only the offline browser');
  for (const name of databaseNames) {
    program.option(`--${name}-path <file>`, `file of ${name} for the offline browser`);
  }
  // Errors are thrown, not printed: the caller reports them on the one error path.
  routeErrorsThrough(program).parse(argv, { from: 'user' });
  const opts = program.opts<Record<string, unknown>>();

  const paths: Partial<Record<DatabaseName, string>> = {};
  for (const name of databaseNames) {
    const value = opts[`${name}Path`];
    if (typeof value === 'string') paths[name] = value;
  }
  const host = opts.host as string;
  return {
    options: {
      database: opts.db as DatabaseName,
      path: opts.path as string | undefined,
      paths,
      port: opts.port as number,
      host,
      write: opts.write as boolean,
      drizzleKit: opts.drizzleKit as boolean,
      cwd,
    },
    warning: isLoopbackAddress(host)
      ? undefined
      : `warning: listening on ${host}, not loopback: anyone who can reach this address can read ` +
        "your agents' data (and write it with --write). Only loopback Host names and this address are accepted.",
  };
}
