import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** This package's folder, where `pnpm db:*` runs the command. */
export const cliPackageDir = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Where the user typed the command (INIT_CWD, as `pnpm db:*` sets it). */
  cwd: string;
  home: string;
  env?: Record<string, string>;
  /** A command the CLI runs under, e.g. `setpriv …` to run it as another user. */
  prefix?: readonly string[];
}

/** The real CLI as `pnpm db:*` runs it: in the package folder, INIT_CWD = where the user typed it. */
export function runCli(args: readonly string[], options: CliOptions): CliRun {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AGENTSTATE_')),
  );
  const command = [
    ...(options.prefix ?? []),
    process.execPath,
    '--import',
    'tsx',
    'src/main.ts',
    ...args,
  ];
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: cliPackageDir,
    env: { ...clean, HOME: options.home, INIT_CWD: options.cwd, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** The `error: …` lines a run printed. */
export const errorLines = (run: CliRun) =>
  run.stderr.split('\n').filter((line) => line.startsWith('error:'));

/**
 * How to run a child whose file permissions are enforced: as it is when this process is not root;
 * as root, through setpriv as `nobody` (root ignores a folder's missing write bit). Undefined when
 * running as root without setpriv.
 */
export function unprivilegedPrefix(): { prefix: string[]; uid: number } | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || uid !== 0) return { prefix: [], uid: uid ?? -1 };
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
  if (!setpriv) return undefined;
  return { prefix: [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups'], uid: 65534 };
}
