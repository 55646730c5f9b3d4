import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createClient, openDatabase } from '../../src/index.ts';
import { packageDir } from './fixtures.ts';

const writerScript = fileURLToPath(new URL('./append-writer.ts', import.meta.url));

/** A commit the append writer reported: its sequence number, the wall time after it, its duration. */
export interface Append {
  seq: number;
  committedBy: number;
  tookMs: number;
}

export interface AppendWriter {
  process: ChildProcessWithoutNullStreams;
  appends: Append[];
  /** Resolves after the writer reported `n` commits. */
  waitFor(n: number): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Spawns test/helpers/append-writer.ts on `path` (a pokecode database with a session); its
 * messages are numbered from `firstSeq`.
 */
export function spawnAppendWriter(path: string, pauseMs = 5, firstSeq = 0): AppendWriter {
  const args = [writerScript, path, String(pauseMs), String(firstSeq)];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: packageDir,
    detached: true,
  });
  const appends: Append[] = [];
  let stderr = '';
  let buffered = '';
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const [seq, committedBy, tookMs] = buffered.slice(0, newline).split(' ').map(Number);
      buffered = buffered.slice(newline + 1);
      appends.push({ seq: seq!, committedBy: committedBy!, tookMs: tookMs! });
    }
    for (const waiter of waiters.filter((w) => appends.length >= w.n)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    appends,
    waitFor: (n) =>
      appends.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ n, resolve });
            void exited.then(() => reject(new Error(`the writer exited:\n${stderr}`)));
          }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The `append-<seq>` messages a database file holds, as numbers in order. */
export function appendedSeqs(path: string): number[] {
  const sqlite = new Database(path, { readonly: true });
  try {
    return (
      sqlite
        .prepare("SELECT id FROM session_messages WHERE id LIKE 'append-%'")
        .pluck()
        .all() as string[]
    )
      .map((id) => Number(id.slice('append-'.length)))
      .sort((a, b) => a - b);
  } finally {
    sqlite.close();
  }
}

/** Kills a process group (a detached child and its children) if it still runs. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** True while a process with this pid exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until `check` holds, polling; throws with `what` after `timeoutMs`. `what` may be a
 * function, so the message shows the output as it was at the deadline, not at the call.
 */
export async function eventually(
  check: () => boolean,
  what: string | (() => string),
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A migrated pokecode database with one session, the append writer's target. */
export async function pokecodeWithSession(dir: string): Promise<string> {
  const path = join(dir, 'pokecode.db');
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  createClient('pokecode', handle).createSession({
    provider: 'claude-code',
    projectPath: '/repo',
    name: 'replicated',
  });
  handle.close();
  return path;
}
