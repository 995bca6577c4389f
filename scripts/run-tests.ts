// `npm test`: every stage in order, then one plain closing line "N passed, N failed".
//
// Why a script and not a chain of `&&`: a chain stops at the first failing stage and never prints the
// total, and npm prints its own error lines after a failing script. CI logs must end with the plain
// total whatever happened, so each stage runs here, its outcome is recorded, and the total is the last
// thing printed (.ci/run calls `npm test --silent`, so npm adds nothing after it).
//
// The total counts every vitest test (from the JSON reports in test-results/) plus each gate (astro
// check, build, size gate, Lighthouse) as one test. A stage that cannot run because an earlier one
// failed (no build, so no browser tests) counts as one failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

interface VitestJson { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests?: number }

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (name: string) => !only || only.includes(name);

let passed = 0;
let failed = 0;
let skipped = 0;
const lines: string[] = [];

function run(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status === 0;
}
const npmRun = (script: string) => run('npm', ['run', '--silent', script]);

function gate(name: string, ok: boolean) {
  if (ok) passed++; else failed++;
  lines.push(`gate ${name}: ${ok ? 'ok' : 'FAILED'}`);
}

function suite(name: string, script: string) {
  const file = `test-results/${name}.json`;
  rmSync(file, { force: true });
  const ok = npmRun(script);
  if (!existsSync(file)) {
    failed++;
    lines.push(`suite ${name}: no report (the run did not complete)`);
    return;
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  const s = r.numPendingTests + (r.numTodoTests ?? 0);
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += s;
  // A failing run that reported no failed test (a crashed file, a failed hook) still fails.
  if (!ok && r.numFailedTests === 0) failed++;
  lines.push(`suite ${name}: ${r.numPassedTests} ok, ${r.numFailedTests} failing, ${s} skipped${!ok && r.numFailedTests === 0 ? ' (the run itself failed)' : ''}`);
}

rmSync('test-results', { recursive: true, force: true });
if (want('check')) gate('astro check', npmRun('check'));
if (want('imports') && existsSync('scripts/check-imports.ts')) gate('import rules', npmRun('check:imports'));
if (want('unit')) suite('unit', 'test:unit');
let built = true;
if (want('build')) { built = npmRun('build'); gate('build', built); }
if (built) {
  if (want('size')) gate('size', npmRun('check:size'));
  if (want('browser')) suite('browser', 'test:browser:only');
  if (want('lighthouse')) gate('lighthouse', npmRun('lighthouse'));
} else {
  for (const s of ['size', 'browser', 'lighthouse'].filter(want)) { failed++; lines.push(`${s}: not run (no build)`); }
}

console.log('');
for (const l of lines) console.log(l);
if (passed + failed === 0) { failed = 1; console.log('nothing ran'); }
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
