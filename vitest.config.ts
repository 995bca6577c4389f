// Unit tests: DOM-free modules, run in Node.
import { defineConfig } from 'vitest/config';
import { suiteOptions } from './vitest.shared.ts';

export default defineConfig({
  test: {
    ...suiteOptions('unit'),
    // tfjs training tests take seconds; CI runs on 2 cores that may be busy.
    testTimeout: 60_000,
  },
});
