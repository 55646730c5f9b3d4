/**
 * `pnpm bench`: the suites of @agentstate/db and this package's, one report. Flags as in
 * packages/db/bench (`--json`, `--quick`, `--suite <name>`).
 */
import { runBench, suites } from '@agentstate/db/bench';
import { cliStartSuite } from './cli-start.ts';

await runBench([...suites, cliStartSuite]);
