// Browser tests: serve dist/ and drive Debian's Chromium via playwright-core.
// One file at a time (2-core machines), with generous timeouts.
import { defineConfig } from 'vitest/config';
import { suiteOptions } from './vitest.shared.ts';

export default defineConfig({
  test: {
    ...suiteOptions('browser'),
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
