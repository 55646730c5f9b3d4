import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliPackageDir } from './helpers/cli.ts';

interface Comparison {
  name: string;
  unit: string;
  agentstate: number;
  baseline: number;
  ratio: number;
  iterations: number;
  target?: { description: string; met: boolean };
}

describe('pnpm bench --suite cli-start --quick', () => {
  it('builds the CLI, times its status beside node and tsx, and reports finite figures', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', '--quick', '--json', '--suite', 'cli-start'],
      { cwd: cliPackageDir, encoding: 'utf8', timeout: 300_000 },
    );
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      suites: Record<string, { comparisons: Comparison[]; skipped: unknown[] }>;
    };
    const { comparisons, skipped } = report.suites['cli-start']!;
    expect(skipped).toEqual([]);
    expect(comparisons.map((c) => c.name)).toEqual([
      'agentstate status (built) vs node -e ""',
      'agentstate status (built) vs tsx src/main.ts',
    ]);
    for (const c of comparisons) {
      expect(c.unit).toBe('ms');
      for (const figure of [c.agentstate, c.baseline, c.ratio]) {
        expect(Number.isFinite(figure) && figure > 0, c.name).toBe(true);
      }
    }
    expect(comparisons[0]?.target?.description).toBe('under 500 ms wall');
    expect(typeof comparisons[0]?.target?.met).toBe('boolean');
  });
});
