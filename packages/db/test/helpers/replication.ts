import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createClient, openConnection, openDatabase } from '../../src/index.ts';
import { replicaHistory } from '../../src/replicate/replica-history.ts';
import { startReplication, type Replication } from '../../src/replicate/replication.ts';
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

/** Folds the WAL into the file and truncates it: the next Litestream must start a new generation. */
export function truncateWal(path: string): void {
  const sqlite = openConnection(path);
  try {
    const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (result?.busy !== 0) throw new Error(`${path}: the checkpoint was blocked`);
  } finally {
    sqlite.close();
  }
}

/** The generations a replication's replica holds, oldest first. */
export async function generationsOf(replication: Replication): Promise<string[]> {
  const history = await replicaHistory({
    databasePath: replication.path,
    target: replication.target,
    hasLocalFile: false,
  });
  return history.generations.map((g) => g.generation);
}

/** Overwrites the root page of an index with zeros: the file opens, integrity_check fails. */
export function damageIndexPage(path: string, index: string): void {
  const sqlite = new Database(path, { readonly: true });
  const root = sqlite
    .prepare('SELECT rootpage FROM sqlite_master WHERE name = ?')
    .pluck()
    .get(index) as number;
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  sqlite.close();
  if (!(root > 1)) throw new Error(`${path}: no index ${index} to damage`);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize), 0, pageSize, (root - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

/**
 * A pokecode file with 50 appended messages and its replica in `dir/replica`, whose newest
 * generation was started from the file after an index page was damaged where nothing replicates
 * it: `sound` holds the 50 messages, `damaged` (the newest) fails integrity_check when restored.
 */
export async function replicaWithDamagedNewestGeneration(dir: string): Promise<{
  path: string;
  replica: string;
  sound: string;
  damaged: string;
}> {
  const path = await pokecodeWithSession(dir);
  const replica = join(dir, 'replica');
  const handle = await openDatabase('pokecode', { path, migrate: false });
  const session = handle.sqlite.prepare('SELECT id FROM sessions').pluck().get() as string;
  const insert = handle.sqlite.prepare(
    "INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at) VALUES (?, ?, 'claude-code', 'assistant', '{}', 0)",
  );
  for (let i = 0; i < 50; i++) insert.run(`append-${i}`, session);
  handle.close();

  let replication = await startReplication({ path, to: replica });
  try {
    await replication.caughtUp();
  } finally {
    await replication.stop();
  }
  const [sound] = await generationsOf(replication);

  // The WAL folded in first, so the next replication starts a new generation from the damaged file.
  truncateWal(path);
  damageIndexPage(path, 'idx_session_messages_provider_session_id');
  replication = await startReplication({ path, to: replica });
  try {
    await replication.caughtUp();
  } finally {
    await replication.stop();
  }
  const damaged = (await generationsOf(replication)).find((g) => g !== sound);
  if (sound === undefined || damaged === undefined) {
    throw new Error(`${replica}: expected two generations`);
  }
  return { path, replica, sound, damaged };
}
