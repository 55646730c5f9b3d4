import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-output/vitest-results.json' }]],
    // Most tests run the CLI several times as separate processes; a shared CI machine is slow.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
