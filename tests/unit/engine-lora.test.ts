import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DigitTensors, LoraAdapter, LoraModel, Mlp, Trainer, TrainingDiverged, loraScale, mergeAdapters, tf, unmergeAdapters,
  type Tensor2D, type TrainOptions,
} from '../../src/engine/index';
import { syntheticDigits, useWasm } from './helpers';

beforeAll(useWasm);

const SIZES = [784, 64, 32, 10];
const data = () => new DigitTensors(syntheticDigits(256));
const read = (t: tf.Tensor) => Array.from(t.dataSync());
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
/** Largest difference relative to the size of the outputs (float32 rounding grows with it). */
const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  return maxAbsDiff(a, b) / scale;
};

function outputs(model: LoraModel, x: Tensor2D): Float32Array {
  return tf.tidy(() => model.forward(x).dataSync() as Float32Array);
}

/**
 * A random base MLP (`sizes`, `baseSeed`) with LoRA adapters on the `targets` layers, 256 synthetic digits, and
 * a Trainer over the adapters; dispose() frees all of it.
 */
function loraTrainer(sizes: number[], baseSeed: number, targets: number[], adapter: { rank: number; alpha: number }, adapterSeed: number, options: TrainOptions) {
  const base = Mlp.random(sizes, baseSeed);
  const model = LoraModel.withAdapters(base, targets, adapter, adapterSeed);
  const d = data();
  const trainer = new Trainer(model.variables(), (x) => model.forward(x), d, options);
  const dispose = () => {
    trainer.dispose();
    model.disposeAdapters();
    base.dispose();
    d.dispose();
  };
  return { base, model, d, trainer, dispose };
}

async function trainLora(seed: number, steps: number, opts: { rank?: number; alpha?: number; lr?: number } = {}) {
  const rig = loraTrainer(SIZES, 7, [0, 1, 2], { rank: opts.rank ?? 4, alpha: opts.alpha ?? 8 }, seed, { steps, seed, reportEvery: 5, learningRate: opts.lr ?? 1e-2 });
  const losses: number[] = [];
  await rig.trainer.run((p) => losses.push(p.loss));
  return { ...rig, losses };
}

describe('LoRA adapter', () => {
  it('scales by α/r, or by α/√r (rank-stabilised)', () => {
    expect(loraScale(4, 8)).toBe(2);
    expect(loraScale(4, 8, 'alpha/sqrt(r)')).toBe(4);
    expect(loraScale(64, 16, 'alpha/sqrt(r)')).toBe(2);
    const a = LoraAdapter.init(0, 5, 3, { rank: 2, alpha: 6, scaling: 'alpha/sqrt(r)' }, 0);
    expect(a.scale).toBeCloseTo(6 / Math.sqrt(2), 12);
    a.dispose();
  });

  it('starts with B = 0 and A drawn from U(−1/√k, 1/√k), or a Gaussian', () => {
    const a = LoraAdapter.init(0, 400, 30, { rank: 8, alpha: 8 }, 5);
    expect(read(a.Bt).every((v) => v === 0)).toBe(true);
    const A = read(a.At);
    const bound = 1 / Math.sqrt(400);
    expect(Math.max(...A.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...A.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    const g = LoraAdapter.init(0, 400, 30, { rank: 8, alpha: 8, init: 'gaussian' }, 5);
    const G = read(g.At);
    const std = Math.sqrt(G.reduce((s, v) => s + v * v, 0) / G.length);
    expect(std).toBeGreaterThan(0.9 * bound);
    expect(std).toBeLessThan(1.1 * bound);
    a.dispose();
    g.dispose();
  });

  it('leaves the output identical to the base while B = 0', () => {
    const base = Mlp.random(SIZES, 1);
    const x = tf.randomUniform([16, 784], 0, 1, 'float32', 3) as Tensor2D;
    const plain = outputs(new LoraModel(base), x);
    const adapted = LoraModel.withAdapters(base, [0, 1, 2], { rank: 4, alpha: 16 }, 2);
    expect(Array.from(outputs(adapted, x))).toEqual(Array.from(plain));
    adapted.disposeAdapters();
    base.dispose();
    x.dispose();
  });

  it('trains only A and B: W₀ and b stay bit-identical', async () => {
    const base = Mlp.random(SIZES, 7);
    const before = base.readWeights().map((w) => ({ kernel: w.kernel.slice(), bias: w.bias.slice() }));
    base.dispose();
    const run = await trainLora(1, 30);
    const after = run.base.readWeights();
    after.forEach((w, i) => {
      expect(Buffer.from(w.kernel.buffer).equals(Buffer.from(before[i].kernel.buffer))).toBe(true);
      expect(Buffer.from(w.bias.buffer).equals(Buffer.from(before[i].bias.buffer))).toBe(true);
    });
    for (const a of run.model.adapters) {
      expect(read(a!.Bt).some((v) => v !== 0)).toBe(true);
    }
    expect(run.losses.at(-1)!).toBeLessThan(run.losses[0]);
    run.dispose();
  });

  it('gives the same loss curve for the same seed, and another for another seed', async () => {
    const curves: number[][] = [];
    for (const seed of [11, 11, 12]) {
      const run = await trainLora(seed, 20);
      curves.push(run.losses);
      run.dispose();
    }
    expect(curves[1]).toEqual(curves[0]);
    expect(curves[2]).not.toEqual(curves[0]);
  });

  it('merges into W₀ with the same outputs, and unmerging restores W₀', async () => {
    const run = await trainLora(3, 20);
    const x = tf.randomUniform([32, 784], 0, 1, 'float32', 9) as Tensor2D;
    const W0 = run.base.readWeights().map((w) => w.kernel.slice());
    const unmerged = outputs(run.model, x);
    mergeAdapters(run.model);
    const merged = outputs(run.model, x);
    expect(relDiff(merged, unmerged)).toBeLessThan(1e-5);
    // The merged weights really moved: the base alone now computes the adapted function.
    expect(relDiff(outputs(new LoraModel(run.base), x), unmerged)).toBeLessThan(1e-5);
    expect(maxAbsDiff(run.base.readWeights()[0].kernel, W0[0])).toBeGreaterThan(1e-4);
    unmergeAdapters(run.model);
    run.base.readWeights().forEach((w, i) => expect(maxAbsDiff(w.kernel, W0[i])).toBeLessThan(1e-5));
    expect(relDiff(outputs(run.model, x), unmerged)).toBeLessThan(1e-5);
    x.dispose();
    run.dispose();
  });

  it('switches adapters off and on, and swaps them', async () => {
    const run = await trainLora(4, 15);
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 2) as Tensor2D;
    const adapted = outputs(run.model, x);
    const plain = outputs(new LoraModel(run.base), x);
    run.model.setEnabled(false);
    expect(Array.from(outputs(run.model, x))).toEqual(Array.from(plain));
    run.model.setEnabled(true);
    expect(Array.from(outputs(run.model, x))).toEqual(Array.from(adapted));
    const previous = run.model.swap([]);
    expect(Array.from(outputs(run.model, x))).toEqual(Array.from(plain));
    run.model.swap(previous);
    expect(Array.from(outputs(run.model, x))).toEqual(Array.from(adapted));
    x.dispose();
    run.dispose();
  });
});

describe('Trainer', () => {
  it('keeps the tensor count flat over 500 steps', async () => {
    const { trainer, dispose } = loraTrainer([784, 32, 10], 1, [0, 1], { rank: 2, alpha: 2 }, 1, { steps: 510, reportEvery: 7 });
    trainer.options.steps = 10; // warm up: Adam makes its moment variables on the first step
    await trainer.run();
    const count = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    trainer.options.steps = 510;
    await trainer.run();
    expect(trainer.step).toBe(510);
    expect(tf.memory().numTensors).toBe(count);
    expect(tf.memory().numBytes).toBe(bytes);
    dispose();
  });

  it('pauses, resumes and stops between steps', async () => {
    const { trainer, dispose } = loraTrainer([784, 16, 10], 1, [0], { rank: 1, alpha: 1 }, 1, { steps: 1000, reportEvery: 1 });
    let pausedAt = -1;
    const done = trainer.run((p) => {
      if (p.step === 5) {
        trainer.pause();
        pausedAt = p.step;
      }
    });
    await vi.waitFor(() => expect(trainer.paused).toBe(true), { timeout: 20_000 });
    expect(trainer.step).toBe(pausedAt);
    await new Promise((r) => setTimeout(r, 100));
    expect(trainer.step).toBe(pausedAt); // really paused: no steps while waiting
    trainer.resume();
    await vi.waitFor(() => expect(trainer.step).toBeGreaterThan(pausedAt), { timeout: 20_000 });
    trainer.stop();
    await done;
    expect(trainer.step).toBeGreaterThan(5);
    expect(trainer.step).toBeLessThan(1000);
    dispose();
  });

  it('reports divergence instead of training on silently', async () => {
    const base = Mlp.random([784, 32, 10], 1);
    const model = new LoraModel(base);
    const d = data();
    const trainer = new Trainer(base.variables(), (x) => model.forward(x), d, { steps: 50, optimizer: 'sgd', learningRate: 1e30, reportEvery: 5 });
    await expect(trainer.run()).rejects.toBeInstanceOf(TrainingDiverged);
    trainer.dispose();
    base.dispose();
    d.dispose();
  });

  it('calls a finite but exploded loss divergence too', async () => {
    const base = Mlp.random([784, 32, 10], 1);
    const model = new LoraModel(base);
    const d = data();
    // Logits scaled by 1e9: the loss is huge but finite from the first step.
    const trainer = new Trainer(base.variables(), (x) => tf.mul(model.forward(x), 1e9) as Tensor2D, d, { steps: 10, reportEvery: 2 });
    const err = await trainer.run().catch((e) => e);
    expect(err).toBeInstanceOf(TrainingDiverged);
    expect(err.step).toBe(2);
    trainer.dispose();
    base.dispose();
    d.dispose();
  });

  it('refuses a learning rate that is not a positive number', () => {
    const d = data();
    expect(() => new Trainer([], (x) => x, d, { steps: 1, learningRate: NaN })).toThrow(/learning rate/);
    expect(() => new Trainer([], (x) => x, d, { steps: 1, learningRate: -1 })).toThrow(/learning rate/);
    d.dispose();
  });
});
