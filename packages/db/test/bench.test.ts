import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePeers } from '../bench/lib/peers.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Comparison {
  name: string;
  unit: string;
  agentstate: number;
  baseline: number;
  ratio: number;
  iterations: number;
  target?: { description: string; met: boolean };
}

describe('pnpm bench --quick', () => {
  // The peers install on first need; on a fresh clone that is here, before the timed bench run
  // (npm ci compiles liteque's better-sqlite3 from source: minutes on two cores).
  beforeAll(() => ensurePeers(), 900_000);

  it('runs every suite end to end and reports a finite figure for every comparison', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', '--quick', '--json'],
      { cwd: packageDir, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      environment: Record<string, string>;
      suites: Record<string, { comparisons: Comparison[]; skipped: unknown[] }>;
    };
    expect(report.environment.quick).toMatch(/not measurements/);
    expect(Object.keys(report.suites)).toEqual([
      'migrate',
      'seed',
      'backup',
      'client-ops',
      'client-queue',
      'worker',
      'drivers',
      'replication',
      'search',
    ]);
    for (const [suite, { comparisons, skipped }] of Object.entries(report.suites)) {
      // Nothing skipped: liteque included, which needs the better-sqlite3 bench/peers/ gives it.
      expect(skipped, suite).toEqual([]);
      expect(comparisons.length, suite).toBeGreaterThan(0);
      for (const c of comparisons) {
        for (const figure of [c.agentstate, c.baseline, c.ratio]) {
          expect(Number.isFinite(figure) && figure > 0, `${suite}: ${c.name}`).toBe(true);
        }
        expect(c.iterations, c.name).toBeGreaterThan(0);
        if (c.target) expect(typeof c.target.met, c.name).toBe('boolean');
      }
    }
    const names = Object.values(report.suites).flatMap((s) => s.comparisons.map((c) => c.name));
    expect(names).toContain('job cycle (bare queue) vs liteque');
    expect(names).toContain('dipeo: execution upsert');
    expect(names).toContain('pokecode: saveMessage with the full-text triggers');
  });
});
