/**
 * Benchmarks: `pnpm bench` prints a table; `pnpm bench --json` prints one JSON object.
 * `--suite <name>` runs one suite. A suite is a module under bench/suites/ listed here.
 */
import Database from 'better-sqlite3';
import { Command, Option } from 'commander';
import { PeerInstallError } from './lib/peers.ts';
import { renderTable } from './lib/report.ts';
import type { Suite, SuiteResult } from './lib/types.ts';
import { backupSuite } from './suites/backup.ts';
import { clientOpsSuite } from './suites/client-ops.ts';
import { clientQueueSuite } from './suites/client-queue.ts';
import { migrateSuite } from './suites/migrate.ts';
import { replicationSuite } from './suites/replication.ts';
import { searchSuite } from './suites/search.ts';
import { seedSuite } from './suites/seed.ts';

const suites: Suite[] = [
  migrateSuite,
  seedSuite,
  backupSuite,
  clientOpsSuite,
  clientQueueSuite,
  replicationSuite,
  searchSuite,
];

const options = new Command('bench')
  .description(
    'Run the benchmarks, each beside its baseline in the same run, and print the ratios ' +
      '(baseline / agentstate, higher is better).',
  )
  .option('--json', 'print one JSON object with every figure instead of a table')
  .option('--quick', 'a few iterations on small data: checks every suite runs; measures nothing')
  .addOption(new Option('--suite <name>', 'run only this suite').choices(suites.map((s) => s.name)))
  .parse()
  .opts<{ json?: boolean; quick?: boolean; suite?: string }>();
const json = options.json === true;
const quick = options.quick === true;
const selected = suites.filter((s) => options.suite === undefined || s.name === options.suite);

const results: Record<string, SuiteResult> = {};
try {
  for (const suite of selected) {
    if (!json) console.error(`running ${suite.name}: ${suite.description}`);
    results[suite.name] = await suite.run({ quick });
  }
} catch (error) {
  if (!(error instanceof PeerInstallError)) throw error;
  // A peer that cannot be installed (no registry, say) is one line, not a stack.
  console.error(`error: ${error.message}`);
  process.exit(1);
}

const memory = new Database(':memory:');
const environment = {
  node: process.version,
  sqlite: memory.prepare('SELECT sqlite_version()').pluck().get() as string,
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
  ...(quick && { quick: 'figures from --quick, not measurements' }),
};
memory.close();

if (json) {
  console.log(JSON.stringify({ environment, suites: results }, null, 2));
} else {
  console.log(renderTable(results));
  console.log(
    `\n${Object.entries(environment)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; ratio = baseline / agentstate (higher is better)`,
  );
}
