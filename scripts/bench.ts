/**
 * How fast the engine trains and infers, per backend, on the stock tfjs path
 * and on the engine's fast path (src/engine/fast/). Prints a table; it is not
 * a test and asserts nothing.
 *
 *   npm run bench                          # Node: wasm and cpu
 *   npm run bench -- --backends=wasm --reps=25
 *   npm run bench -- --browser             # headless Chromium: wasm, webgl, cpu (see bench-browser.ts)
 *   npm run bench -- --json=bench.json     # also write the raw samples
 *
 * Network 784→1000→2000→10, batch 64. Figures: ms per training step for LoRA
 * (r = 1, 4, 16, 64 on all three layers) and full fine-tuning, ms for a forward
 * pass, for inference with unmerged and merged adapters, and tf.memory() bytes.
 * Each is the median of the timed runs after warm-up.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { initBackend, tf, type BackendName } from '../src/engine/index';
import { runBenchmarks, type BenchResult } from '../src/engine/fast/benchmark';
import { formatTable } from '../src/engine/fast/report';

export interface CliOptions {
  backends: string[];
  reps: number;
  warmup: number;
  slowReps: number;
  ranks: number[];
  only?: string[];
  json?: string;
  browser: boolean;
  isolated: boolean;
  webgpu: boolean;
}

export function parseArgs(argv: string[], defaults: Partial<CliOptions> = {}): CliOptions {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const list = (name: string) => get(name)?.split(',').filter(Boolean);
  const num = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${v}).`);
    return n;
  };
  return {
    backends: list('backends') ?? defaults.backends ?? ['wasm', 'cpu'],
    reps: num('reps', defaults.reps ?? 15),
    warmup: num('warmup', defaults.warmup ?? 3),
    slowReps: num('slow-reps', defaults.slowReps ?? 5),
    ranks: (list('ranks') ?? ['1', '4', '16', '64']).map(Number),
    only: list('only'),
    json: get('json'),
    browser: argv.includes('--browser'),
    isolated: argv.includes('--isolated'),
    webgpu: argv.includes('--webgpu'),
  };
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; ${new Date().toISOString().slice(0, 10)}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--browser')) {
    const { runBrowserBench } = await import('./bench-browser');
    await runBrowserBench(argv);
    return;
  }
  const opts = parseArgs(argv);
  console.log(`Node ${process.version}; ${machineLine()}`);
  const results: BenchResult[] = [];
  for (const name of opts.backends) {
    const info = await initBackend({ prefer: name as BackendName });
    if (info.name !== name) {
      console.log(`\nbackend ${name}: not available here (${info.skipped.find((s) => s.name === name)?.why ?? 'failed'}); skipped`);
      continue;
    }
    console.log(`\nbackend ${tf.getBackend()}: running (${opts.reps} timed runs after ${opts.warmup} warm-up; slow figures on cpu: ${opts.slowReps})…`);
    const result = await runBenchmarks({ ranks: opts.ranks, reps: opts.reps, warmup: opts.warmup, slowReps: opts.slowReps, only: opts.only });
    results.push(result);
    console.log(formatTable(result));
  }
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ machine: machineLine(), node: process.version, results }, null, 2));
    console.log(`\nraw samples written to ${opts.json}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('scripts/bench.ts')) await main();
