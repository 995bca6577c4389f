// Unit tests: DOM-free modules, run in Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The JSON report feeds scripts/run-tests.ts, which prints the plain
    // 'N passed, N failed' closing line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/unit.json' },
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // tfjs training tests take seconds; CI runs on 2 cores that may be busy.
    testTimeout: 60_000,
  },
});
