/**
 * The engine's speed benchmark, shared by `npm run bench` (Node) and its
 * browser mode (the same code bundled into a Web Worker). No DOM.
 *
 * Every figure is a median over timed repetitions after warm-up, measured
 * through the engine's own code paths: training steps through Trainer (one
 * step = batch, forward, loss, backward, Adam update, loss read back), and
 * inference through LoraModel.forward with the result read back.
 */
import { tf, type Tensor2D } from '../tf';
import { DigitTensors, IMAGE_SIZE, type Digits } from '../data';
import { DEFAULT_SIZES, Mlp } from '../mlp';
import { LoraModel } from '../lora';
import { Trainer } from '../trainer';
import { mergeAdapters } from '../merge';
import { mulberry32 } from '../../core/rng';
import { median } from '../../core/stats';
import { fastPathApplies, fastPathEnabled, setFastPath } from './ops';
import { setFmaProducts } from './gemm';
import { countDispatches, profileKernels, type DispatchCount, type KernelProfile } from './kernelProfile';

/** reference: stock tfjs ops and autodiff; fast-xnn: the fast path without the FMA products (tfjs's XNNPACK); fast: all of it. */
export type PathName = 'reference' | 'fast-xnn' | 'fast';

export interface BenchOptions {
  sizes?: readonly number[];
  batch?: number;
  ranks?: number[];
  /** Untimed repetitions first (WASM operator set-up, WebGL shader compiles, Adam's state). */
  warmup?: number;
  reps?: number;
  /** Timed repetitions on the (slow) CPU backend. */
  slowReps?: number;
  paths?: PathName[];
  /** Which rows to run (all by default): 'lora', 'full', 'forward', 'inference'. */
  only?: string[];
  /** Also time every kernel of the r = 4 LoRA step on the fast path (kernelProfile.ts). */
  kernels?: boolean;
  /** Also count kernels, GPU programs and reads per r = 4 LoRA step (ten steps through Trainer.run). */
  dispatches?: boolean;
  log?: (line: string) => void;
}

export interface BenchRow {
  /** e.g. 'lora r=4', 'full', 'forward', 'infer base', 'infer unmerged r=4', 'infer merged r=4'. */
  name: string;
  path: PathName;
  ms: number;
  /** All timed repetitions, ms. */
  samples: number[];
  /** tf.memory().numBytes held by the model and optimizer state (data excluded). */
  bytes: number;
}

export interface BenchResult {
  backend: string;
  /** False where the fast path runs the same stock ops (every backend but WASM): then only 'reference' is measured. */
  fastPathApplies: boolean;
  sizes: number[];
  /** What was measured, where it is not the MLP of `sizes` (the /attention/ transformer: gptBenchmark.ts). */
  model?: string;
  batch: number;
  rows: BenchRow[];
  kernelProfile?: KernelProfile;
  dispatches?: DispatchCount;
}

/** Random pixels: the timing does not depend on what the digits look like. */
function randomDigits(n: number, seed = 1): Digits {
  const rand = mulberry32(seed);
  const images = new Uint8Array(n * IMAGE_SIZE);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(rand() * 256);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 10;
  return { n, images, labels };
}

async function timeSteps(trainer: Trainer, warmup: number, reps: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await trainer.singleStep();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await trainer.singleStep();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** Times forward passes (result read back), one of each function per round; samples per function. */
async function timeForwards(fns: ((x: Tensor2D) => Tensor2D)[], x: Tensor2D, warmup: number, reps: number): Promise<number[][]> {
  const once = async (forward: (x: Tensor2D) => Tensor2D) => {
    const t0 = performance.now();
    const y = tf.tidy(() => forward(x));
    await y.data();
    y.dispose();
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) for (const f of fns) await once(f);
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < reps; i++) for (let j = 0; j < fns.length; j++) samples[j].push(await once(fns[j]));
  return samples;
}

/** Runs every figure on the current backend, for each path (stock tfjs autodiff and the fast path). */
export async function runBenchmarks(opts: BenchOptions = {}): Promise<BenchResult> {
  const sizes = [...(opts.sizes ?? DEFAULT_SIZES)];
  const batch = opts.batch ?? 64;
  const ranks = opts.ranks ?? [1, 4, 16, 64];
  const warmup = opts.warmup ?? 3;
  const reps = opts.reps ?? 15;
  const slowReps = opts.slowReps ?? reps;
  // WASM: the whole fast path; WebGPU: its Adam and loss kernels (src/engine/gpu/).
  const applies = fastPathApplies() || tf.getBackend() === 'webgpu';
  // Elsewhere than WASM the fast path is the stock ops: measuring them twice would only show noise.
  const paths = applies ? (opts.paths ?? ['reference', 'fast']) : (['reference'] as PathName[]);
  const only = new Set(opts.only ?? ['lora', 'full', 'forward', 'inference']);
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  const backend = tf.getBackend();
  let kernelProfile: KernelProfile | undefined;
  let dispatches: DispatchCount | undefined;

  const data = new DigitTensors(randomDigits(Math.max(4 * batch, 256)));
  const x = tf.tidy(() => tf.slice(data.x, [0, 0], [batch, -1]) as Tensor2D);
  const dataBytes = tf.memory().numBytes;
  const add = (name: string, path: PathName, samples: number[], bytes: number) => {
    const row = { name, path, ms: median(samples), samples, bytes };
    rows.push(row);
    log(`${backend.padEnd(6)} ${path.padEnd(9)} ${name.padEnd(20)} ${row.ms.toFixed(1).padStart(8)} ms  ${(bytes / 1e6).toFixed(1).padStart(6)} MB`);
  };
  // The plain-JS CPU backend is 10–50× slower: fewer repetitions there.
  const n = backend === 'cpu' ? slowReps : reps;

  for (const path of paths) {
    setFmaProducts(path !== 'fast-xnn');
    await withFastPathAsync(path !== 'reference', async () => {
      if (only.has('forward') || only.has('inference') || only.has('lora')) {
        // Forward passes, no gradient: the base; with r = 4 adapters on every layer; with the same adapters
        // merged into a copy of the base. Timed in turn, one of each per round, so that a slow spell on a
        // shared machine hits all three alike and the ratios between them hold.
        const base = Mlp.random(sizes, 0);
        const baseBytes = tf.memory().numBytes - dataBytes;
        const plain = new LoraModel(base);
        const adapted = (on: Mlp) => {
          const m = LoraModel.withAdapters(on, [0, 1, 2], { rank: 4, alpha: 8 }, 1);
          // Non-zero B, so the adapters change the output and a merge has something to fold in.
          tf.tidy(() => m.adapters.forEach((a, i) => a && a.Bt.assign(tf.randomNormal(a.Bt.shape, 0, 0.01, 'float32', 2 + i))));
          return m;
        };
        const inference = only.has('inference');
        const lora = inference ? adapted(base) : null;
        const mergedBase = inference ? await base.clone() : null;
        const merged = mergedBase ? adapted(mergedBase) : null;
        if (merged) mergeAdapters(merged);
        // The forward pass on its own (the steady state of repeated passes, as in training) …
        add('forward', path, (await timeForwards([(t) => plain.forward(t)], x, warmup, n))[0], baseBytes);
        // … and base, unmerged and merged in turn, for the ratios between them.
        if (lora && merged) {
          const samples = await timeForwards([(t) => plain.forward(t), (t) => lora.forward(t), (t) => merged.forward(t)], x, warmup, n);
          // Memory of each model on its own: the base; the base and its adapters (a merged model keeps them to unmerge).
          const adapterBytes = 4 * lora.allocatedAdapterParams();
          add('infer base', path, samples[0], baseBytes);
          add('infer unmerged r=4', path, samples[1], baseBytes + adapterBytes);
          add('infer merged r=4', path, samples[2], baseBytes + adapterBytes);
        }
        lora?.disposeAdapters();
        merged?.disposeAdapters();
        mergedBase?.dispose();
        base.dispose();
      }
      if (only.has('lora')) {
        for (const rank of ranks) {
          const base = Mlp.random(sizes, 0);
          const model = LoraModel.withAdapters(base, [0, 1, 2], { rank, alpha: 2 * rank }, 1);
          const trainer = new Trainer(model.variables(), (t) => model.forward(t), data, { steps: 1e9, batchSize: batch, seed: 1 });
          const samples = await timeSteps(trainer, warmup, n);
          add(`lora r=${rank}`, path, samples, tf.memory().numBytes - dataBytes);
          if (opts.kernels && rank === 4 && path === paths.at(-1)) {
            kernelProfile = await profileKernels(async () => void (await trainer.singleStep()), n);
          }
          if (opts.dispatches && rank === 4 && path === paths.at(-1)) {
            // The training loop as the site runs it: Trainer.run reads the loss back every 10 steps (stop at the first report).
            dispatches = await countDispatches(async () => void (await trainer.run(() => trainer.stop())), trainer.options.reportEvery);
            log(`${backend.padEnd(6)} ${path.padEnd(9)} dispatches: ${JSON.stringify(dispatches)}`);
          }
          trainer.dispose();
          model.disposeAdapters();
          base.dispose();
        }
      }
      if (only.has('full')) {
        const mlp = Mlp.random(sizes, 0);
        const model = new LoraModel(mlp);
        const trainer = new Trainer(mlp.variables(), (t) => model.forward(t), data, { steps: 1e9, batchSize: batch, seed: 1 });
        const samples = await timeSteps(trainer, warmup, n);
        add('full', path, samples, tf.memory().numBytes - dataBytes);
        trainer.dispose();
        mlp.dispose();
      }
    });
  }
  setFmaProducts(true);
  x.dispose();
  data.dispose();
  return { backend, fastPathApplies: applies, sizes, batch, rows, kernelProfile, dispatches };
}

/** The path switch is global, so it stays set until the async work is done. */
export async function withFastPathAsync(on: boolean, f: () => Promise<void>): Promise<void> {
  const previous = fastPathEnabled();
  setFastPath(on);
  try {
    await f();
  } finally {
    setFastPath(previous);
  }
}

export interface Ratios {
  loraOverFull: number;
  loraOverForward: number;
  mergedOverBase: number;
  unmergedOverBase: number;
}

/** The ratios the targets are stated in, for one path; NaN-free (null where a figure is missing). */
export function ratios(rows: BenchRow[], path: PathName, rank = 4): Partial<Ratios> {
  const get = (name: string) => rows.find((r) => r.path === path && r.name === name)?.ms;
  const lora = get(`lora r=${rank}`);
  const full = get('full');
  const fwd = get('forward');
  const base = get('infer base');
  const merged = get(`infer merged r=${rank}`);
  const unmerged = get(`infer unmerged r=${rank}`);
  const out: Partial<Ratios> = {};
  if (lora && full) out.loraOverFull = lora / full;
  if (lora && fwd) out.loraOverForward = lora / fwd;
  if (merged && base) out.mergedOverBase = merged / base;
  if (unmerged && base) out.unmergedOverBase = unmerged / base;
  return out;
}
