export interface Measurement {
  /** Median time per call, in milliseconds. */
  medianMs: number;
  iterations: number;
}

export interface MeasureOptions {
  /** Calls before timing starts (JIT, caches). */
  warmup?: number;
  /** Timed samples; the median is reported. */
  samples?: number;
  /** Calls per sample: more for sub-microsecond work, 1 for work that needs fresh state. */
  callsPerSample?: number;
  /** Runs untimed before each sample, e.g. to create a fresh database. */
  setup?: () => void | Promise<void>;
}

/** Times `fn` (sync or async) and returns the median per-call time over the samples. */
export async function measure(
  fn: () => unknown,
  { warmup = 5, samples = 21, callsPerSample = 1, setup }: MeasureOptions = {},
): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) {
    await setup?.();
    await fn();
  }
  const perCall: number[] = [];
  for (let s = 0; s < samples; s++) {
    await setup?.();
    const start = performance.now();
    for (let c = 0; c < callsPerSample; c++) await fn();
    perCall.push((performance.now() - start) / callsPerSample);
  }
  perCall.sort((a, b) => a - b);
  return {
    medianMs: perCall[Math.floor(perCall.length / 2)]!,
    iterations: samples * callsPerSample,
  };
}
