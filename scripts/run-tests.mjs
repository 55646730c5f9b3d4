#!/usr/bin/env node
// Runs every workspace's tests one package at a time (the suites spawn processes and browsers,
// so running packages in parallel only makes them slower), then prints the totals read from
// each package's vitest JSON report as the last line: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['packages/cli-kit', 'packages/schema', 'packages/db', 'apps/cli', 'apps/studio'];
const reportOf = (pkg) => join(root, pkg, 'test-output', 'vitest-results.json');

// The browser tests need Debian's chromium; the script installs it when it is missing.
const browserInstaller = join(root, 'apps/studio/scripts/install-browser.sh');
if (existsSync(browserInstaller)) {
  const install = spawnSync('bash', [browserInstaller], { stdio: 'inherit' });
  if (install.status !== 0)
    console.error('warning: could not install chromium; browser tests will fail');
}

// The sftp replica test needs Debian's openssh-server; without it that test says it was skipped.
const sshdInstaller = join(root, 'packages/db/scripts/install-sshd.sh');
if (existsSync(sshdInstaller)) {
  const install = spawnSync('sh', [sshdInstaller], { stdio: 'inherit' });
  if (install.status !== 0)
    console.error('warning: could not install openssh-server; the sftp replica test is skipped');
}

for (const pkg of packages) rmSync(reportOf(pkg), { force: true });
const run = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
});

let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of packages) {
  const report = reportOf(pkg);
  if (!existsSync(report)) {
    console.error(`error: ${pkg} wrote no test report (its test run crashed before reporting)`);
    failed += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + (results.numFailedTestSuites ?? 0);
  skipped += results.numPendingTests + (results.numTodoTests ?? 0);
}

const ok = run.status === 0 && failed === 0 && passed > 0;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
