/**
 * The queues `pnpm bench` measures agentstate against (liteque, plainjob) stay out of the
 * workspace install: they live in bench/peers/ with their own package.json and lockfile, and the
 * first run that needs them installs them there with `npm ci`. So `pnpm install` compiles only the
 * workspace's better-sqlite3, and only a benchmark run compiles liteque's 11.9 one.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import lockfile from 'proper-lockfile';

/** bench/peers/: package.json, package-lock.json, and node_modules once installed. */
export const peersDir = fileURLToPath(new URL('../peers', import.meta.url));

/** An install of the peers that failed; its message is the one line to print. */
export class PeerInstallError extends Error {
  override readonly name = 'PeerInstallError';
}

/** The parts of liteque 0.8.0 the bench calls. */
export interface Liteque {
  buildDBClient(path: string, options: { runMigrations: boolean; walEnabled: boolean }): unknown;
  SqliteQueue: new <T>(
    name: string,
    db: unknown,
    options: { defaultJobArgs: { numRetries: number }; keepFailedJobs: boolean },
  ) => {
    enqueue(payload: T): Promise<unknown>;
    attemptDequeue(options: { timeoutSecs: number }): Promise<{
      id: number;
      allocationId: string;
    } | null>;
    finalize(id: number, allocationId: string, status: 'completed'): Promise<void>;
  };
}

/** The parts of plainjob 0.0.14 the bench calls. */
export interface Plainjob {
  better: (db: unknown) => unknown;
  defineQueue: (options: { connection: unknown; maintenanceInterval: number }) => {
    add(type: string, data: unknown): unknown;
    getAndMarkJobAsProcessing(type: string): { id: number } | undefined;
    getJobById(id: number): { id: number } | undefined;
    markJobAsDone(id: number): void;
    close(): void;
  };
  /** plainjob's own worker loop: claim, read, process, mark done, one job at a time. */
  defineWorker: (
    type: string,
    processor: (job: { id: number }) => void | Promise<void>,
    options: {
      queue: unknown;
      pollIntervall?: number;
      logger?: Record<'error' | 'warn' | 'info' | 'debug', (...args: unknown[]) => void>;
      onCompleted?: (job: { id: number }) => void;
    },
  ) => { start(): Promise<void>; stop(): Promise<void> };
}

const stampFile = '.agentstate-peers';
const lockName = '.install.lock';
const tempPrefix = '.install-';

/**
 * What a finished install must match: the manifest, the lockfile, and the Node ABI and platform
 * the native addon was compiled for (a Node upgrade reinstalls).
 */
function wantedStamp(dir: string): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json'])
    hash.update(readFileSync(join(dir, file)));
  hash.update(`${process.platform}-${process.arch}-abi${process.versions.modules}`);
  return hash.digest('hex');
}

function isInstalled(dir: string, stamp: string): boolean {
  try {
    return readFileSync(join(dir, 'node_modules', stampFile), 'utf8') === stamp;
  } catch {
    return false;
  }
}

interface NpmResult {
  ok: boolean;
  /** How npm ended, for the message: `exited with 1`, `stopped by SIGTERM`. */
  exit: string;
  output: string;
  spawnError?: Error;
}

/** Runs `npm ci` in `cwd`, its output kept for the error message. */
function npmCi(cwd: string): Promise<NpmResult> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (spawnError) => resolve({ ok: false, exit: 'not run', output, spawnError }));
    child.on('close', (code, signal) =>
      resolve({
        ok: code === 0,
        exit: signal ? `stopped by ${signal}` : `exited with ${code}`,
        output,
      }),
    );
  });
}

const unreachable =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/;

/** npm's own reason, on one line: its error code and its first line that says why. */
function npmReason(output: string): string {
  const errors = output.split('\n').flatMap((line) => {
    const text = /^npm (?:error|ERR!)\s*(.*)$/.exec(line)?.[1]?.trim();
    return text ? [text] : [];
  });
  const code = errors.find((line) => line.startsWith('code '))?.slice('code '.length);
  const reason = errors.find((line) => !/^(code|errno|syscall) |^A complete log/.test(line));
  const why = [code, reason].filter(Boolean).join(': ');
  return why || output.trim().split('\n').pop() || 'npm printed nothing';
}

/** `name@version` of each dependency in `dir`'s package.json, for messages. */
function peerNames(dir: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.entries(manifest.dependencies ?? {})
    .map(([name, version]) => `${name}@${version}`)
    .join(', ');
}

/**
 * Installs the peers in `dir` unless an install matching its lockfile is there. Safe to call
 * from several processes at once (one installs, the others wait for it) and after an install
 * that died half-way: npm works in a temporary folder beside node_modules, and only a finished
 * install is renamed into place, so node_modules is either absent, stale or complete.
 */
export async function ensurePeers(
  dir: string = peersDir,
  log: (line: string) => void = (line) => console.error(line),
): Promise<void> {
  const stamp = wantedStamp(dir);
  if (isInstalled(dir, stamp)) return;

  let compromised: Error | undefined;
  const lockOptions = {
    lockfilePath: join(dir, lockName),
    // The holder refreshes the lock every 10 s while npm runs; one left by a killed process is
    // taken over 20 s after its last refresh.
    stale: 20_000,
    onCompromised: (error: Error) => (compromised = error),
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, lockOptions);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
      throw new PeerInstallError(
        `could not lock ${join(dir, lockName)}: ${(error as Error).message}`,
      );
    }
    log(`waiting for another process installing the benchmark peers into ${dir}`);
    try {
      // Up to 15 minutes: longer than a from-source build of better-sqlite3 takes here.
      release = await lockfile.lock(dir, {
        ...lockOptions,
        retries: { retries: 900, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
      });
    } catch (waitError) {
      throw new PeerInstallError(
        `gave up waiting for ${join(dir, lockName)} (another install of the benchmark peers): ` +
          (waitError as Error).message,
      );
    }
  }

  let temp: string | undefined;
  try {
    if (isInstalled(dir, stamp)) return; // the process we waited for installed them
    // Left by an install that died: only the lock holder works in these.
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(tempPrefix)) rmSync(join(dir, entry), { recursive: true, force: true });
    }
    temp = mkdtempSync(join(dir, tempPrefix));
    for (const entry of readdirSync(dir)) {
      if (!entry.startsWith('.') && entry !== 'node_modules') {
        cpSync(join(dir, entry), join(temp, entry), { recursive: true });
      }
    }
    log(
      `installing the benchmark peers (${peerNames(dir)}) into ${join(dir, 'node_modules')}: ` +
        'once, with npm ci',
    );
    const result = await npmCi(temp);
    if (result.spawnError) {
      throw new PeerInstallError(
        `could not run npm to install the benchmark peers into ${dir}: ${result.spawnError.message}`,
      );
    }
    if (!result.ok) {
      const reason = npmReason(result.output);
      const hint = unreachable.test(result.output)
        ? '; the npm registry is unreachable: connect and rerun, or run only the suites that need no peers (--suite)'
        : '';
      throw new PeerInstallError(
        `could not install the benchmark peers into ${dir}: npm ci ${result.exit}: ${reason}${hint}`,
      );
    }
    if (compromised) {
      throw new PeerInstallError(
        `lost the install lock ${join(dir, lockName)} while installing: ${compromised.message}`,
      );
    }
    writeFileSync(join(temp, 'node_modules', stampFile), stamp);
    const installed = join(dir, 'node_modules');
    if (existsSync(installed)) renameSync(installed, join(temp, 'previous'));
    renameSync(join(temp, 'node_modules'), installed);
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
    await release().catch(() => {});
  }
}

/** liteque and plainjob, from bench/peers/node_modules, installed first if they are not there. */
export async function loadPeers(): Promise<{ liteque: Liteque; plainjob: Plainjob }> {
  await ensurePeers();
  const require = createRequire(join(peersDir, 'package.json'));
  const load = async (name: string): Promise<unknown> =>
    import(pathToFileURL(require.resolve(name)).href);
  return {
    liteque: (await load('liteque')) as Liteque,
    plainjob: (await load('plainjob')) as Plainjob,
  };
}
