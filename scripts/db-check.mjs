#!/usr/bin/env node
// `pnpm db:check [--db <name>]`: the schema drift gate and the schema-docs staleness check, both
// given the same arguments; fails when either fails (both always run, so every problem shows).
// Exit code 2 means the command line is wrong: the first check has said so, the second would
// only say it again.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const EXIT_USAGE = 2;
const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const checks = [
  ['-F', '@agentstate/schema', 'run', 'check'],
  ['-F', '@agentstate/db', 'run', 'docs:check'],
];
let failed = false;
for (const check of checks) {
  const result = spawnSync('pnpm', ['-s', ...check, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status === EXIT_USAGE) process.exit(EXIT_USAGE);
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
