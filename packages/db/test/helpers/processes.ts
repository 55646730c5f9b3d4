import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageDir } from './fixtures.ts';

const childScript = fileURLToPath(new URL('./migrate-child.ts', import.meta.url));
const rollbackScript = fileURLToPath(new URL('./rollback-child.ts', import.meta.url));
const libsqlScript = fileURLToPath(new URL('./libsql-migrate-child.ts', import.meta.url));

/** A running migrate-child.ts process and the lines it printed so far. */
export interface MigrateChild {
  process: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves once the child printed a line starting with `prefix`. */
  waitFor(prefix: string): Promise<string>;
  /** Tells the child to start migrating. */
  go(): void;
  /** Sends the child a line and keeps its stdin open (a child that waits more than once). */
  send(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnMigrateChild(dbPath: string, folder: string): MigrateChild {
  return spawnChild([childScript, dbPath, folder]);
}

/** A rollback-child.ts process rolling `dbPath` back to `to`, driven like a MigrateChild. */
export function spawnRollbackChild(dbPath: string, name: string, to: string): MigrateChild {
  return spawnChild([rollbackScript, dbPath, name, to]);
}

/** A libsql-migrate-child.ts process migrating `url` through the client; `pause` stops it once planned. */
export function spawnLibsqlMigrateChild(
  url: string,
  database: string,
  pause = false,
): MigrateChild {
  return spawnChild([libsqlScript, url, database, ...(pause ? ['pause'] : [])]);
}

function spawnChild(args: string[]): MigrateChild {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: packageDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => line.startsWith(w.prefix))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    lines,
    exited,
    go: () => child.stdin.end('go\n'),
    send: () => child.stdin.write('go\n'),
    waitFor: (prefix) => {
      const seen = lines.find((line) => line.startsWith(prefix));
      if (seen) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        waiters.push({ prefix, resolve });
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `child exited (${code ?? signal}) before "${prefix}":\n${lines.join('\n')}\n${stderr}`,
            ),
          ),
        );
      });
    },
  };
}

/** A small seeded PRNG (mulberry32) so a failing kill schedule can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Another process holds the write lock of `path` for `ms` (a second SQLite library in this
 * process would not see libSQL's locks). Resolves once the lock is held; `released` when it ends.
 */
export async function holdWriteLock(path: string, ms: number) {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)});
       db.exec('BEGIN IMMEDIATE'); console.log('held');
       setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`,
    ],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const released = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { released };
}
