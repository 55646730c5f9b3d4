import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A process of the chain that started this one: a package manager, its script shell, or tsx. */
export interface LauncherProcess {
  pid: number;
  /** What it is, for the stop message: `pnpm`, `sh`, `tsx`, ... */
  name: string;
  /** /proc start time, so a recycled pid is not mistaken for the launcher. */
  startTime: string;
}

/** A process as /proc shows it: its argv and parent. */
export interface ProcessInfo {
  pid: number;
  parent: number | undefined;
  argv: string[];
  startTime: string;
  /** Zombie or dead: exited but not yet reaped. */
  exited: boolean;
}

const packageManagers = new Set(['pnpm', 'pnpx', 'npm', 'npx', 'yarn', 'bun', 'bunx', 'corepack']);
const runners = new Set(['tsx']);
const shells = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh']);

function programName(path: string): string {
  const name = basename(path).replace(/\.(c|m)?js$/, '');
  if (name === 'npm-cli') return 'npm';
  if (name === 'npx-cli') return 'npx';
  // tsx's bin is .../tsx/dist/cli.mjs
  if (name === 'cli' && /[/\\]tsx[/\\]dist[/\\]cli\.m?js$/.test(path)) return 'tsx';
  return name;
}

/** `pnpm`, `npm`, `tsx`... for a package manager or runner, whether a binary or a node script. */
function launcherProgram(argv: readonly string[]): string | undefined {
  const [first, ...rest] = argv;
  if (first === undefined) return undefined;
  const name = programName(first);
  const isLauncher = (candidate: string) =>
    packageManagers.has(candidate) || runners.has(candidate);
  if (name === 'node' || name === 'nodejs' || name === 'bun') {
    // `node /usr/bin/pnpm ...`, `node .../tsx/dist/cli.mjs ...`; `bun run studio` is bun itself.
    const script = rest.find((arg) => !arg.startsWith('-'));
    const scriptName = script === undefined ? undefined : programName(script);
    if (scriptName !== undefined && isLauncher(scriptName)) return scriptName;
    return name === 'bun' ? 'bun' : undefined;
  }
  return isLauncher(name) ? name : undefined;
}

/**
 * The launcher chain among `ancestors` (nearest first): package managers and tsx, and the
 * `sh -c` a package manager runs a script in. It ends at the first other process, such as the
 * user's shell, a script that backgrounded the command, nohup's target's parent, or init.
 */
export function launcherChainOf(ancestors: readonly ProcessInfo[]): LauncherProcess[] {
  const chain: LauncherProcess[] = [];
  for (const [index, info] of ancestors.entries()) {
    const program = launcherProgram(info.argv);
    if (program !== undefined) {
      chain.push({ pid: info.pid, name: program, startTime: info.startTime });
      continue;
    }
    // A script shell: `sh -c <script>` whose parent is a package manager.
    const parent = ancestors[index + 1];
    const parentProgram = parent ? launcherProgram(parent.argv) : undefined;
    const shell = info.argv[0] === undefined ? '' : basename(info.argv[0]);
    if (
      shells.has(shell) &&
      info.argv[1] === '-c' &&
      parentProgram !== undefined &&
      packageManagers.has(parentProgram)
    ) {
      chain.push({ pid: info.pid, name: shell, startTime: info.startTime });
      continue;
    }
    break;
  }
  return chain;
}

/** One process from /proc, or undefined when it is gone. */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv.at(-1) === '') argv.pop();
    return {
      pid,
      parent: Number.isInteger(parent) && parent > 0 ? parent : undefined,
      argv,
      // Field 22 of stat; fields[] starts at field 3 (state).
      startTime: fields[19] ?? '',
      exited: fields[0] === 'Z' || fields[0] === 'X',
    };
  } catch {
    return undefined;
  }
}

/** This process's ancestors, nearest first, up to (not including) init. */
function ancestors(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  let pid = readProcess(process.pid)?.parent;
  while (pid !== undefined && pid > 1) {
    const info = readProcess(pid);
    if (!info) break;
    found.push(info);
    pid = info.parent;
  }
  return found;
}

/**
 * The chain of processes that launched this one. Without /proc (macOS, BSD) it is the parent
 * when a package manager runs us (npm_lifecycle_event is set), watched by a change of ppid.
 */
export function launcherChain(): LauncherProcess[] {
  if (existsSync('/proc/self/stat')) return launcherChainOf(ancestors());
  if (process.env.npm_lifecycle_event !== undefined && process.ppid > 1) {
    return [{ pid: process.ppid, name: 'parent', startTime: '' }];
  }
  return [];
}

function alive(launcher: LauncherProcess): boolean {
  if (launcher.startTime === '') return process.ppid === launcher.pid;
  const info = readProcess(launcher.pid);
  return info !== undefined && !info.exited && info.startTime === launcher.startTime;
}

/**
 * Calls `onGone` once when a process of the launcher chain exits. `pnpm db:studio` runs us under
 * pnpm → sh → pnpm → sh → tsx; a SIGTERM or SIGKILL sent to the outer pnpm kills it without
 * reaching us, and we must not stay behind listening. Processes above the chain (a shell script
 * that started `pnpm db:studio &` and ended) are not watched.
 */
export function watchLauncher(
  onGone: (launcher: LauncherProcess) => void,
  chain: readonly LauncherProcess[] = launcherChain(),
  intervalMs = 500,
): () => void {
  const timer = setInterval(() => {
    const gone = chain.find((launcher) => !alive(launcher));
    if (gone !== undefined) {
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
