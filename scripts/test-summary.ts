// Prints one closing line for the whole `npm test` run: "tests: N passed, N failed".
// Vitest's own summary is per run and coloured; CI reads a plain total.
import { existsSync, readFileSync } from 'node:fs';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
}

const suites = ['unit', 'browser'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of suites) {
  const file = `test-results/${suite}.json`;
  if (!existsSync(file)) {
    console.error(`${file} is missing: the ${suite} tests did not run.`);
    process.exit(1);
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  const s = r.numPendingTests + (r.numTodoTests ?? 0);
  console.log(`${suite}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${s} skipped`);
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += s;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
// A run that executed nothing is not a pass.
process.exit(failed > 0 || passed === 0 ? 1 : 0);
