/** One measured figure: agentstate beside a baseline on the same work, in the same run. */
export interface Comparison {
  /** What was measured, e.g. `pokecode: start-up check`. */
  name: string;
  /**
   * Time per operation, (`pages`) database pages written per operation, or (`MB`) the size of
   * what was built.
   */
  unit: 'ms' | 'us' | 'pages' | 'MB';
  /** agentstate's time (median) or pages per operation. */
  agentstate: number;
  /** The baseline's time (median) or pages per operation. */
  baseline: number;
  /** e.g. `drizzle-orm migrate()`. */
  baselineName: string;
  /**
   * baseline / agentstate: above 1 means agentstate is faster. Where both sides ran in alternating
   * rounds, the median of the rounds' own ratios.
   */
  ratio: number;
  iterations: number;
  /** A target this figure must meet, and whether it did. */
  target?: { description: string; met: boolean };
  note?: string;
}

export interface SuiteResult {
  comparisons: Comparison[];
  /** Cases that could not run, with why (e.g. a database with no migrations yet). */
  skipped: Array<{ name: string; reason: string }>;
}

export interface BenchOptions {
  /**
   * A few iterations of everything on small data: shows each suite runs end to end (the tests do
   * this); its figures mean nothing.
   */
  quick: boolean;
}

/** A group of comparisons; add one under bench/suites/ and list it in bench/main.ts. */
export interface Suite {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<SuiteResult>;
}
