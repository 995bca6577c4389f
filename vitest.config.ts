// Unit tests: DOM-free modules, run in Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // tfjs training tests take seconds; CI runs on 2 cores that may be busy.
    testTimeout: 60_000,
  },
});
