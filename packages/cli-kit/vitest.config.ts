import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-output/vitest-results.json' }]],
    testTimeout: 60_000,
  },
});
