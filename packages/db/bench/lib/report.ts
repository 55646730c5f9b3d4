import type { SuiteResult } from './types.ts';

const format = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

/** A plain-text table, one row per comparison, then the skipped cases. */
export function renderTable(results: Record<string, SuiteResult>): string {
  const rows: string[][] = [['suite', 'case', 'agentstate', 'baseline', 'ratio', 'target']];
  const skipped: string[] = [];
  for (const [suite, result] of Object.entries(results)) {
    for (const c of result.comparisons) {
      rows.push([
        suite,
        c.name,
        `${format(c.agentstate)} ${c.unit}`,
        `${format(c.baseline)} ${c.unit} (${c.baselineName})`,
        `${c.ratio.toFixed(2)}x`,
        c.target ? `${c.target.met ? 'met' : 'MISSED'}: ${c.target.description}` : '',
      ]);
    }
    for (const s of result.skipped) skipped.push(`${suite}: ${s.name} skipped: ${s.reason}`);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return [...lines, ...skipped].join('\n');
}
