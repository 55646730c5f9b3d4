import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '@agentstate/db/bench';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** The bench's own build (dist/ may be rebuilt meanwhile by a test packing the package). */
const benchBuild = join('node_modules', '.cache', 'agentstate-cli-start');
const builtCli = join(packageDir, benchBuild, 'bin.js');
const TARGET_MS = 500;
/** tsx's loader, for a process started outside this package. */
const tsxLoader = import.meta.resolve('tsx');

/** Runs `args` with this Node to its exit; the wall time in ms. Fails loudly on a non-zero exit. */
function wallMs(args: readonly string[], cwd: string): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0) {
    throw new Error(`${args.join(' ')} exited with ${run.status}: ${run.stderr.trim()}`);
  }
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/**
 * Alternating rounds of each command, so that a busy machine slows all of them alike; the median
 * of each and the median of the rounds' own ratios.
 */
function compare(
  name: string,
  ours: readonly string[],
  baseline: readonly string[],
  baselineName: string,
  rounds: number,
  cwd: string,
): Comparison {
  const oursMs: number[] = [];
  const baselineMs: number[] = [];
  const ratios: number[] = [];
  wallMs(ours, cwd); // the file cache warm for both
  wallMs(baseline, cwd);
  for (let i = 0; i < rounds; i++) {
    const a = wallMs(ours, cwd);
    const b = wallMs(baseline, cwd);
    oursMs.push(a);
    baselineMs.push(b);
    ratios.push(b / a);
  }
  return {
    name,
    unit: 'ms',
    agentstate: median(oursMs),
    baseline: median(baselineMs),
    baselineName,
    ratio: median(ratios),
    iterations: rounds,
  };
}

/**
 * The start-up of the installed `agentstate` (the build of dist/bin.js, made here first into a
 * folder of its own): `status` of one migrated database, wall time from spawn to exit, beside
 * `node -e ''` (Node's own start-up, the floor) and beside the same command from the sources
 * under tsx, as `pnpm db:status` runs it.
 */
export const cliStartSuite: Suite = {
  name: 'cli-start',
  description: `wall time of the built agentstate status --db dipeo vs node -e '' and vs tsx (target: under ${TARGET_MS} ms)`,
  run({ quick }: BenchOptions): Promise<SuiteResult> {
    const build = spawnSync(
      process.execPath,
      ['--import', tsxLoader, 'scripts/build.ts', '--outdir', benchBuild],
      {
        cwd: packageDir,
        encoding: 'utf8',
      },
    );
    if (build.status !== 0) throw new Error(`building the CLI failed: ${build.stderr.trim()}`);
    const dir = mkdtempSync(join(tmpdir(), 'agentstate-bench-cli-'));
    try {
      const file = join(dir, 'dipeo.db');
      wallMs([builtCli, 'migrate', '--db', 'dipeo', '--path', file], dir);
      const status = ['status', '--db', 'dipeo', '--path', file];
      const rounds = quick ? 2 : 15;
      const built = compare(
        'agentstate status (built) vs node -e ""',
        [builtCli, ...status],
        ['-e', ''],
        "node -e ''",
        rounds,
        dir,
      );
      built.target = {
        description: `under ${TARGET_MS} ms wall`,
        met: built.agentstate < TARGET_MS,
      };
      built.note = `${Math.round(built.agentstate - built.baseline)} ms above Node's own start-up`;
      const fromSources = compare(
        'agentstate status (built) vs tsx src/main.ts',
        [builtCli, ...status],
        ['--import', tsxLoader, join(packageDir, 'src', 'main.ts'), ...status],
        'tsx src/main.ts (pnpm db:status)',
        quick ? 1 : 5,
        dir,
      );
      return Promise.resolve({ comparisons: [built, fromSources], skipped: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
