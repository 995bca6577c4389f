// What the unit and browser test configurations share: where each suite's files are, Node as the
// environment, and a JSON report per suite.
import type { TestUserConfig } from 'vitest/config';

/** The common test options of suite `name` (its files are tests/<name>/**\/*.test.ts). */
export function suiteOptions(name: 'unit' | 'browser'): TestUserConfig {
  return {
    // The JSON report feeds scripts/run-tests.ts, which prints the plain
    // 'N passed, N failed' closing line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: `test-results/${name}.json` },
    include: [`tests/${name}/**/*.test.ts`],
    environment: 'node',
  };
}
