// Browser tests: serve dist/ and drive Debian's Chromium via playwright-core.
// One file at a time (2-core machines), with generous timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The JSON report feeds scripts/run-tests.ts, which prints the plain
    // 'N passed, N failed' closing line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/browser.json' },
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
