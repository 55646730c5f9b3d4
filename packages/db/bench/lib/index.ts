// The benchmark harness, for the suites of other workspace packages (the CLI's start-up).
export { measure, type Measurement, type MeasureOptions } from './measure.ts';
export { runBench } from './run.ts';
export type { BenchOptions, Comparison, Suite, SuiteResult } from './types.ts';
export { suites } from '../suites/index.ts';
