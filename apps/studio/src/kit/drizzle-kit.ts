import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseName } from '@agentstate/schema';
import { drizzleKitCommand } from '@agentstate/schema/kit';

const preloadPath = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const noMkcertFolder = fileURLToPath(new URL('./no-mkcert/', import.meta.url));

const READY = 'Drizzle Studio is up and running';
export const STARTUP_TIMEOUT_MS = 60_000;

export interface DrizzleKitOptions {
  database: DatabaseName;
  /** Absolute path of the database file. */
  path: string;
  /** Open the file read-only (default) or let Drizzle Studio write. */
  readonly: boolean;
  /** Where drizzle-kit's output goes once it is up (default: stderr, prefixed). */
  log?: (line: string) => void;
}

export interface DrizzleKitStudio {
  /** The private loopback port drizzle-kit listens on. */
  port: number;
  pid: number;
  /** Resolves when the process has exited (on its own or by `stop`). */
  exited: Promise<void>;
  /** Stops drizzle-kit's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export class DrizzleKitError extends Error {
  override name = 'DrizzleKitError';
}

/** A free loopback port, found by letting the kernel choose one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts `drizzle-kit studio` for one database on a private loopback port and waits until it
 * serves. drizzle-kit exits 0 even when it fails to start, so success is its "up and running" line.
 */
export async function startDrizzleKit(options: DrizzleKitOptions): Promise<DrizzleKitStudio> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      // Another process took the port between choosing and binding it: choose again, 3 tries.
      if (attempt === 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

function startOnce(options: DrizzleKitOptions, port: number): Promise<DrizzleKitStudio> {
  const { command, args, cwd, env } = drizzleKitCommand({
    database: options.database,
    args: ['studio', '--host', '127.0.0.1', '--port', String(port)],
    url: options.path,
    nodeArgs: ['--require', preloadPath],
    env: {
      AGENTSTATE_STUDIO_READONLY: options.readonly ? '1' : '0',
      PATH: `${noMkcertFolder}${delimiter}${process.env.PATH ?? ''}`,
    },
  });
  const child = spawn(command, args, {
    cwd,
    // Its own process group, so stopping it takes along anything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const stop = async (graceMs = 3_000): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    const log = options.log ?? ((line: string) => process.stderr.write(`drizzle-kit: ${line}\n`));
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      if (ready) {
        for (const line of text.split('\n')) if (line.trim()) log(line);
        return;
      }
      output += text;
      if (output.includes(READY)) {
        ready = true;
        clearTimeout(timer);
        resolve({ port, pid: child.pid as number, exited, stop });
      } else if (/EADDRINUSE|^\s*Error\b|TypeError|Cannot find module/m.test(output)) {
        fail(`drizzle-kit studio failed to start:\n${output.trim()}`);
      }
    };
    const fail = (message: string): void => {
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      void stop(500).then(() => reject(new DrizzleKitError(message)));
    };
    const timer = setTimeout(
      () =>
        fail(
          `drizzle-kit studio did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output.trim()}`,
        ),
      STARTUP_TIMEOUT_MS,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => fail(`could not start drizzle-kit: ${error.message}`));
    child.once('exit', (code, signal) =>
      fail(
        `drizzle-kit studio exited (${signal ?? `code ${code}`}) before it was up:\n${output.trim()}`,
      ),
    );
  });
}
