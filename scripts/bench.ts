/**
 * How fast the engine trains and infers, per backend, on the stock tfjs path
 * and on the engine's fast path (src/engine/fast/). Prints a table; it is not
 * a test and asserts nothing.
 *
 *   npm run bench                          # Node: wasm and cpu
 *   npm run bench -- --backends=wasm --reps=25
 *   npm run bench -- --browser             # headless Chromium: wasm, webgl, cpu (see bench-browser.ts)
 *   npm run bench -- --json=bench.json     # also write the raw samples
 *   npm run bench -- --models=gpt          # only /attention/'s transformer (npm run bench-gpt: on wasm); mlp, gpt by default
 *   npm run bench -- --kernels                # also time each kernel of the fast LoRA r=4 step
 *   npm run bench -- --dispatches             # also count kernels and reads per LoRA r=4 step
 *   npm run bench -- --paths=reference,fast-xnn,fast
 *                                          # stock tfjs / fast path without the WASM FMA products / all of it
 *   npm run bench -- --browser --isolated --threads=1,2
 *                                          # the fast path's products on 1 and 2 threads (cross-origin isolated
 *                                          # Chromium only: tfjs's WASM memory is shared only there)
 *
 * Network 784→1000→2000→10, batch 64. Figures: ms per training step for LoRA
 * (r = 1, 4, 16, 64 on all three layers) and full fine-tuning, ms for a forward
 * pass, for inference with unmerged and merged adapters, and tf.memory() bytes.
 * Each is the median of the timed runs after warm-up. Then the same table for
 * /attention/'s tiny transformer (src/engine/gptBenchmark.ts): LoRA r = 4 on
 * W_q, W_k, W_v, W_o, full fine-tuning, forward, batch 32.
 *
 * V8 first runs WebAssembly through its baseline compiler (Liftoff) and swaps
 * in optimized code from a background thread; on a busy machine that swap can
 * wait for seconds, and Liftoff runs these kernels 2–3.5× slower. So the
 * benchmark asks V8 for optimized code from the start (--no-liftoff, in Node
 * and in Chromium): the figures are steady-state. --liftoff keeps V8's default.
 */
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { initBackend, tf, type BackendName } from '../src/engine/index';
import { runBenchmarks, type BenchResult, type PathName } from '../src/engine/fast/benchmark';
import { formatTable } from '../src/engine/fast/report';
import { runGptBenchmarks } from '../src/engine/gptBenchmark';
import { machineLine, parseArgs } from './bench-page/args';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--browser')) {
    const { runBrowserBench } = await import('./bench-browser');
    await runBrowserBench(argv);
    return;
  }
  const opts = parseArgs(argv);
  if (argv.some((a) => a.startsWith('--threads='))) {
    console.log("--threads applies with --browser --isolated only: in Node tfjs's WASM memory is not shared, so the products run on one thread.");
  }
  if (!argv.includes('--liftoff')) setFlagsFromString('--no-liftoff'); // before tfjs compiles its WASM
  console.log(`Node ${process.version}; ${machineLine()}${argv.includes('--liftoff') ? '' : '; V8 --no-liftoff'}`);
  const results: BenchResult[] = [];
  for (const name of opts.backends) {
    const info = await initBackend({ prefer: name as BackendName });
    if (info.name !== name) {
      console.log(`\nbackend ${name}: not available here (${info.skipped.find((s) => s.name === name)?.why ?? 'failed'}); skipped`);
      continue;
    }
    console.log(`\nbackend ${tf.getBackend()}: running (${opts.reps} timed runs after ${opts.warmup} warm-up; slow figures on cpu: ${opts.slowReps})…`);
    if (opts.models.includes('mlp')) {
      const result = await runBenchmarks({ ranks: opts.ranks, reps: opts.reps, warmup: opts.warmup, slowReps: opts.slowReps, only: opts.only, paths: opts.paths as PathName[] | undefined, kernels: opts.kernels, dispatches: opts.dispatches });
      results.push(result);
      console.log(formatTable(result));
    }
    if (opts.models.includes('gpt')) {
      const gpt = await runGptBenchmarks({ reps: opts.reps, warmup: opts.warmup, slowReps: opts.slowReps, only: opts.only, paths: opts.paths as PathName[] | undefined });
      results.push(gpt);
      console.log(formatTable(gpt));
    }
  }
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ machine: machineLine(), node: process.version, results }, null, 2));
    console.log(`\nraw samples written to ${opts.json}`);
  }
}

await main();
