/**
 * Benchmarks: `pnpm -F @agentstate/db bench` prints a table; `--json` prints one JSON object.
 * `--suite <name>` runs one suite. A suite is a module under bench/suites/ listed in
 * bench/suites/index.ts. `pnpm bench` runs these and the CLI's (apps/cli/bench).
 */
import { runBench } from './lib/run.ts';
import { suites } from './suites/index.ts';

await runBench(suites);
