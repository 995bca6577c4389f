/**
 * The /attention/ chapter's tiny transformer in the engine's speed benchmark
 * (`npm run bench`, Node and --browser): a LoRA training step on W_q, W_k,
 * W_v, W_o of every block (r = 4, α = 8, Adam, loss read back, as the
 * attention.train job steps), a full fine-tuning step and a forward pass of
 * the base, at the chapter's batch of 32 words. Rows and table are the MLP's
 * (fast/benchmark.ts, fast/report.ts), so the two models print side by side.
 *
 * Random weights of the shipped configuration (GPT_CONFIG), as the MLP's
 * benchmark uses random weights: the time of a step does not depend on what
 * the weights are, and the benchmark needs no model file in Node or Chromium.
 */
import { tf, type Variable } from './tf';
import { Gpt, GptLora, wordTensors } from './gpt';
import { GPT_CONFIG, type LoraTarget } from '../core/gpt';
import { median } from '../core/stats';
import { fastPathApplies } from './fast/ops';
import { withFastPathAsync, type BenchOptions, type BenchResult, type BenchRow, type PathName } from './fast/benchmark';

/** The four attention matrices, the targets the benchmark's LoRA step adapts (as the chapter's default). */
const ATTENTION_TARGETS: readonly LoraTarget[] = ['q', 'k', 'v', 'o'];

/** The chapter's batch (attention.train's default) and the rank its benchmark row is quoted at. */
export const GPT_BENCH = { batch: 32, rank: 4, alpha: 8 } as const;

/** Names of several countries (the chapter's kind of data); every word is padded to the context, so the time does not depend on them. */
const WORDS = ['zafferana', 'szczecin', 'ylojarvi', 'shingu', 'abbiategrasso', 'lodz', 'kotka', 'anjo'];

async function timeRuns(f: () => Promise<void>, warmup: number, reps: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await f();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** The LoRA step, full step and forward of the transformer, per path, on the current backend. */
export async function runGptBenchmarks(opts: Omit<BenchOptions, 'sizes' | 'batch' | 'ranks' | 'kernels' | 'dispatches'> = {}): Promise<BenchResult> {
  const cfg = GPT_CONFIG;
  const batch = GPT_BENCH.batch;
  const warmup = opts.warmup ?? 3;
  const reps = opts.reps ?? 15;
  const backend = tf.getBackend();
  const n = backend === 'cpu' ? (opts.slowReps ?? reps) : reps;
  // As in runBenchmarks: the fast path differs from the stock ops on WASM (and Adam/loss on WebGPU) only.
  const applies = fastPathApplies() || backend === 'webgpu';
  const paths = applies ? (opts.paths ?? ['reference', 'fast']) : (['reference'] as PathName[]);
  const only = new Set(opts.only ?? ['lora', 'full', 'forward']);
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  const t = wordTensors(Array.from({ length: batch }, (_, i) => WORDS[i % WORDS.length]), cfg);
  const dataBytes = tf.memory().numBytes;
  const add = (name: string, path: PathName, samples: number[], bytes: number) => {
    const row = { name, path, ms: median(samples), samples, bytes };
    rows.push(row);
    log(`${backend.padEnd(6)} ${path.padEnd(9)} gpt ${name.padEnd(16)} ${row.ms.toFixed(1).padStart(8)} ms  ${(bytes / 1e6).toFixed(1).padStart(6)} MB`);
  };
  // One training step as attention.train runs it: minimize with the loss returned and read back.
  const step = (model: GptLora, opt: tf.Optimizer, vars: Variable[]) => async () => {
    const loss = opt.minimize(() => model.loss(t.tokens, t.targets, t.mask), true, vars)!;
    await loss.data();
    loss.dispose();
  };
  try {
    for (const path of paths) {
      await withFastPathAsync(path !== 'reference', async () => {
        if (only.has('forward')) {
          const base = Gpt.random(cfg, 0);
          const plain = new GptLora(base);
          const samples = await timeRuns(async () => {
            const y = tf.tidy(() => plain.forward(t.tokens));
            await y.data();
            y.dispose();
          }, warmup, n);
          add('forward', path, samples, tf.memory().numBytes - dataBytes);
          base.dispose();
        }
        if (only.has('lora')) {
          const base = Gpt.random(cfg, 0);
          const model = GptLora.withAdapters(base, ATTENTION_TARGETS, { rank: GPT_BENCH.rank, alpha: GPT_BENCH.alpha }, 1);
          const opt = tf.train.adam(0.01);
          const samples = await timeRuns(step(model, opt, model.variables()), warmup, n);
          add(`lora r=${GPT_BENCH.rank}`, path, samples, tf.memory().numBytes - dataBytes);
          opt.dispose();
          model.disposeAdapters();
          base.dispose();
        }
        if (only.has('full')) {
          const base = Gpt.random(cfg, 0);
          const opt = tf.train.adam(0.001);
          const samples = await timeRuns(step(new GptLora(base), opt, base.variables()), warmup, n);
          add('full', path, samples, tf.memory().numBytes - dataBytes);
          opt.dispose();
          base.dispose();
        }
      });
    }
  } finally {
    t.tokens.dispose();
    t.targets.dispose();
    t.mask.dispose();
  }
  return {
    backend,
    fastPathApplies: applies,
    sizes: [],
    model: `tiny GPT (/attention/): d ${cfg.dModel}, ${cfg.layers} blocks, ${cfg.heads} heads, context ${cfg.context}; LoRA on W_q, W_k, W_v, W_o of every block`,
    batch,
    rows,
  };
}
