import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { packageDir } from '../../helpers/fixtures.ts';

const source = fileURLToPath(new URL('./queue-worker.ts', import.meta.url));
let bundle: string | undefined;

/**
 * The worker bundled to one JavaScript file, once per test run: the crash test starts 200
 * processes, and plain node starts in a tenth of the time a TypeScript loader needs. It sits under
 * node_modules/.cache so that better-sqlite3 (native, not bundled) resolves.
 */
function workerScript(): string {
  if (bundle) return bundle;
  const outfile = join(packageDir, 'node_modules', '.cache', 'agentstate-test', 'queue-worker.mjs');
  buildSync({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return (bundle = outfile);
}

export interface Worker {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts queue-worker.ts as a real process and collects the lines it prints. */
export function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, [workerScript(), ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      if (line === 'ready') markReady();
      lines.push(line);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      markReady();
      resolve({ code, signal });
    }),
  );
  return { child, lines, stderr: () => stderr, ready, exited };
}
