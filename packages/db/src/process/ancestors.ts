import { existsSync, readFileSync } from 'node:fs';
import { isProcessAlive } from './alive.ts';

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    return Number.isInteger(parent) && parent > 0 ? parent : undefined;
  } catch {
    return undefined;
  }
}

/** This process's ancestors, nearest first, excluding init (pid 1). Only the parent without /proc. */
export function ancestorPids(): number[] {
  if (!existsSync('/proc/self/stat')) return process.ppid > 1 ? [process.ppid] : [];
  const pids: number[] = [];
  for (let pid = parentOf(process.pid); pid !== undefined && pid > 1; pid = parentOf(pid)) {
    pids.push(pid);
  }
  return pids;
}

/**
 * Calls `onGone` once when any process that started this one has exited. `pnpm db:studio` and
 * `pnpm db:replicate` run under pnpm → sh → pnpm → sh → tsx; a SIGTERM sent to the outer pnpm
 * kills pnpm without reaching us, and we must not stay behind (listening, or replicating).
 */
export function watchAncestors(onGone: (pid: number) => void, intervalMs = 500): () => void {
  const pids = ancestorPids();
  const timer = setInterval(() => {
    const gone = pids.find((pid) => !isProcessAlive(pid));
    if (gone !== undefined) {
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
