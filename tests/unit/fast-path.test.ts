// The fast path (src/engine/fast/) against the reference: plain tfjs ops with tfjs's own autodiff.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DigitTensors, LoraModel, Mlp, Trainer, initBackend, mergeAdapters, tf, type Tensor2D, type Variable,
} from '../../src/engine/index';
import { FAST_DENSE_KERNEL, add, dense, fastPathEnabled, relu, setFastPath, withFastPath } from '../../src/engine/fast/ops';
import { softmaxCrossEntropy } from '../../src/engine/fast/loss';
import { setFmaProducts } from '../../src/engine/fast/gemm';
import { syntheticDigits, relDiff, useWasm } from './helpers';

beforeAll(useWasm);
afterEach(() => setFastPath(true));


const TOL = 1e-5;
const read = (t: tf.Tensor) => t.dataSync() as Float32Array;

/** A loss that weighs every output differently, so every gradient entry is tested. */
function weightedSum(y: tf.Tensor, seed: number): tf.Scalar {
  return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', seed)));
}

/** Output and gradients of loss(forward) w.r.t. vars, on one path. */
function forwardAndGrads(on: boolean, vars: Variable[], forward: () => tf.Tensor, seed = 5) {
  return withFastPath(on, () =>
    tf.tidy(() => {
      const out = read(forward()).slice();
      const { value, grads } = tf.variableGrads(() => weightedSum(forward(), seed), vars);
      return { out, loss: value.dataSync()[0], grads: vars.map((v) => read(grads[v.name]).slice()) };
    }),
  );
}

function expectSamePaths(vars: Variable[], forward: () => tf.Tensor) {
  const ref = forwardAndGrads(false, vars, forward);
  const fast = forwardAndGrads(true, vars, forward);
  expect(relDiff(fast.out, ref.out)).toBeLessThan(TOL);
  vars.forEach((v, i) => {
    // A gradient that is all zeros would pass trivially; the ones checked here are not.
    expect(ref.grads[i].some((g) => g !== 0), `reference gradient of ${v.name} is zero`).toBe(true);
    expect(relDiff(fast.grads[i], ref.grads[i]), `gradient of ${v.name}`).toBeLessThan(TOL);
  });
}

describe('fast dense op', () => {
  it('is on by default and runs its own kernel', async () => {
    expect(fastPathEnabled()).toBe(true);
    const x = tf.ones([2, 3]) as Tensor2D;
    const w = tf.ones([3, 4]) as Tensor2D;
    const info = await tf.profile(() => tf.tidy(() => dense(x, w)));
    expect(info.kernelNames).toContain(FAST_DENSE_KERNEL);
    expect(info.kernelNames).not.toContain('BatchMatMul');
    const ref = await tf.profile(() => tf.tidy(() => withFastPath(false, () => dense(x, w))));
    expect(ref.kernelNames).toContain('BatchMatMul');
    x.dispose();
    w.dispose();
  });

  // The shapes take both ways of forming each gradient product (see matMulTransposeA/B).
  for (const [n, k, d] of [[1, 1, 1], [7, 13, 5], [64, 33, 3], [5, 2, 40], [3, 50, 40]]) {
    for (const activation of ['linear', 'relu'] as const) {
      for (const withBias of [true, false]) {
        it(`matches tf.matMul/add/relu: ${n}×${k}·${k}×${d}, ${activation}${withBias ? ', bias' : ''}`, () => {
          const seed = n * 100 + k * 10 + d;
          // A 1×1 product gets positive inputs, so that ReLU lets a gradient through.
          const draw = (shape: number[], s: number) => (n * k * d === 1 ? tf.randomUniform(shape, 0.5, 1, 'float32', s) : tf.randomNormal(shape, 0, 1, 'float32', s));
          const x = tf.variable(draw([n, k], seed)) as Variable<tf.Rank.R2>;
          const w = tf.variable(draw([k, d], seed + 1)) as Variable<tf.Rank.R2>;
          const b = tf.variable(tf.randomNormal([d], 0, 1, 'float32', seed + 2)) as Variable<tf.Rank.R1>;
          const vars = withBias ? [x, w, b] : [x, w];
          expectSamePaths(vars, () => dense(x, w, withBias ? b : null, activation));
          [x, w, b].forEach((v) => v.dispose());
        });
      }
    }
  }

  // A low-rank term s·u·v added before the activation (LoRA's way back up through B), narrow and wide outputs.
  for (const [n, k, d, r] of [[7, 13, 5, 3], [64, 33, 40, 4], [5, 2, 19, 1]]) {
    for (const activation of ['linear', 'relu'] as const) {
      it(`matches with a low-rank term: ${n}×${k}·${k}×${d} + s·${n}×${r}·${r}×${d}, ${activation}`, () => {
        const seed = n + 10 * k + 100 * d + r;
        const v = (shape: [number, number], s: number) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', seed + s)) as Variable<tf.Rank.R2>;
        const [x, w, u, up] = [v([n, k], 1), v([k, d], 2), v([n, r], 3), v([r, d], 4)];
        const b = tf.variable(tf.randomNormal([d], 0, 1, 'float32', seed + 5)) as Variable<tf.Rank.R1>;
        expectSamePaths([x, w, b, u, up], () => dense(x, w, b, activation, { u, v: up, scale: 1.7 }));
        [x, w, u, up, b].forEach((t) => t.dispose());
      });
    }
  }

  it('rejects mismatched shapes with a message', () => {
    const x = tf.ones([2, 3]) as Tensor2D;
    const w = tf.ones([4, 5]) as Tensor2D;
    expect(() => dense(x, w)).toThrow(/3 columns.*4 rows/);
    x.dispose();
    w.dispose();
  });

  it('leaves other backends on the stock ops (CPU here; WebGL and WebGPU likewise)', async () => {
    await initBackend({ prefer: 'cpu' });
    try {
      expect(tf.getBackend()).toBe('cpu');
      const x1 = tf.ones([2, 3]) as Tensor2D;
      const w1 = tf.ones([3, 4]) as Tensor2D;
      const info = await tf.profile(() => tf.tidy(() => dense(x1, w1)));
      expect(info.kernelNames).toContain('BatchMatMul');
      expect(info.kernelNames).not.toContain(FAST_DENSE_KERNEL);
      x1.dispose();
      w1.dispose();
      const x = tf.variable(tf.randomNormal([6, 9], 0, 1, 'float32', 1)) as Variable<tf.Rank.R2>;
      const w = tf.variable(tf.randomNormal([9, 4], 0, 1, 'float32', 2)) as Variable<tf.Rank.R2>;
      const b = tf.variable(tf.randomNormal([4], 0, 1, 'float32', 3)) as Variable<tf.Rank.R1>;
      expectSamePaths([x, w, b], () => dense(x, w, b, 'relu'));
      [x, w, b].forEach((v) => v.dispose());
    } finally {
      await useWasm();
    }
  });
});

describe('LoRA and full fine-tuning on the fast path', () => {
  const SIZES = [7, 13, 5];

  function setup(layers: number[], rank = 3) {
    const base = Mlp.random(SIZES, 3);
    const model = LoraModel.withAdapters(base, layers, { rank, alpha: 2 * rank }, 4);
    // B starts at 0; give it values so every gradient path carries signal.
    tf.tidy(() => model.adapters.forEach((a, i) => a?.Bt.assign(tf.randomNormal(a.Bt.shape, 0, 0.5, 'float32', 10 + i))));
    const x = tf.randomUniform([11, SIZES[0]], 0, 1, 'float32', 6) as Tensor2D;
    const dispose = () => {
      model.disposeAdapters();
      base.dispose();
      x.dispose();
    };
    return { base, model, x, dispose };
  }

  for (const layers of [[0, 1], [0], [1]]) {
    it(`matches the reference for adapters on layers ${layers.map((l) => l + 1).join(', ')} (7→13→5, r = 3)`, () => {
      const { model, x, dispose } = setup(layers);
      expectSamePaths(model.variables(), () => model.forward(x));
      dispose();
    });
  }

  it('matches with odd sizes, every rank from 1 to 5, on a deeper net', () => {
    const base = Mlp.random([9, 17, 11, 3], 8);
    for (let rank = 1; rank <= 5; rank++) {
      const model = LoraModel.withAdapters(base, [0, 1, 2], { rank, alpha: 1 + rank }, rank);
      tf.tidy(() => model.adapters.forEach((a, i) => a?.Bt.assign(tf.randomNormal(a.Bt.shape, 0, 0.3, 'float32', rank * 10 + i))));
      const x = tf.randomUniform([5, 9], 0, 1, 'float32', rank) as Tensor2D;
      expectSamePaths(model.variables(), () => model.forward(x));
      x.dispose();
      model.disposeAdapters();
    }
    base.dispose();
  });

  it('skips disabled adapters the same way (output = base)', () => {
    const { base, model, x, dispose } = setup([0, 1]);
    model.setEnabled(false);
    const plain = withFastPath(false, () => tf.tidy(() => read(new LoraModel(base).forward(x)).slice()));
    const fast = tf.tidy(() => read(model.forward(x)).slice());
    expect(relDiff(fast, plain)).toBeLessThan(TOL);
    // With the adapters off, the weights still get their full fine-tuning gradients right.
    expectSamePaths(base.variables(), () => model.forward(x));
    dispose();
  });

  it('matches on merged adapters: same outputs, and the merged base trains the same', () => {
    const { base, model, x, dispose } = setup([0, 1]);
    const unmerged = forwardAndGrads(false, model.variables(), () => model.forward(x));
    mergeAdapters(model);
    const merged = forwardAndGrads(true, base.variables(), () => model.forward(x));
    expect(relDiff(merged.out, unmerged.out)).toBeLessThan(TOL);
    expectSamePaths(base.variables(), () => model.forward(x));
    dispose();
  });

  it('gives full fine-tuning the same gradients for every W and b', () => {
    const base = Mlp.random(SIZES, 12);
    const model = new LoraModel(base);
    const x = tf.randomUniform([11, SIZES[0]], 0, 1, 'float32', 6) as Tensor2D;
    expectSamePaths(base.variables(), () => model.forward(x));
    x.dispose();
    base.dispose();
  });

  it('gives the input gradient too (a layer fed by another layer)', () => {
    const base = Mlp.random(SIZES, 12);
    const model = LoraModel.withAdapters(base, [1], { rank: 2, alpha: 2 }, 1);
    tf.tidy(() => model.adapters[1]!.Bt.assign(tf.randomNormal([2, SIZES[2]], 0, 0.5, 'float32', 3)));
    const x = tf.variable(tf.randomUniform([4, SIZES[0]], 0, 1, 'float32', 6)) as Variable<tf.Rank.R2>;
    expectSamePaths([x, ...model.variables()], () => model.forward(x));
    x.dispose();
    model.disposeAdapters();
    base.dispose();
  });
});

describe('fast ReLU, addition and loss', () => {
  it('relu matches tf.relu, value and gradient, and runs without tfjs Relu kernel', async () => {
    const x = tf.variable(tf.randomNormal([9, 13], 0, 1, 'float32', 4)) as Variable<tf.Rank.R2>;
    expectSamePaths([x], () => relu(x));
    const info = await tf.profile(() => tf.tidy(() => tf.variableGrads(() => tf.sum(relu(x)), [x])));
    expect(info.kernelNames).not.toContain('Relu');
    expect(info.kernelNames).not.toContain('Step'); // the gradient is one kernel of its own
    x.dispose();
  });

  it('add matches tf.add for equal shapes, and falls back to it when shapes broadcast', () => {
    const a = tf.variable(tf.randomNormal([6, 5], 0, 1, 'float32', 1)) as Variable<tf.Rank.R2>;
    const b = tf.variable(tf.randomNormal([6, 5], 0, 1, 'float32', 2)) as Variable<tf.Rank.R2>;
    const row = tf.variable(tf.randomNormal([5], 0, 1, 'float32', 3)) as Variable<tf.Rank.R1>;
    expectSamePaths([a, b], () => add(a, b));
    expectSamePaths([a, row], () => add(a, row as unknown as Variable<tf.Rank.R2>));
    // An addend that also feeds an earlier op: tfjs sums its two gradients and frees the one it had first.
    expectSamePaths([a, b], () => {
      const twice = tf.mul(a, 2);
      return tf.add(twice, add(a, b));
    });
    [a, b, row].forEach((t) => t.dispose());
  });

  it('softmax cross-entropy matches tf.losses.softmaxCrossEntropy with one-hot labels, value and gradient', () => {
    const logits = tf.variable(tf.mul(tf.randomNormal([13, 10], 0, 1, 'float32', 6), 4)) as Variable<tf.Rank.R2>;
    const labels = tf.tensor1d(Array.from({ length: 13 }, (_, i) => (i * 7) % 10), 'int32');
    const run = (on: boolean) =>
      withFastPath(on, () =>
        tf.tidy(() => {
          // Scaled, so that the gradient of the loss's output (dy ≠ 1) is used too.
          const { value, grads } = tf.variableGrads(() => tf.mul(softmaxCrossEntropy(logits, labels), 3) as tf.Scalar, [logits]);
          return { loss: value.dataSync()[0], grad: read(grads[logits.name]).slice() };
        }),
      );
    const ref = run(false);
    const fast = run(true);
    expect(ref.loss).toBeGreaterThan(0);
    expect(Math.abs(fast.loss - ref.loss) / ref.loss).toBeLessThan(1e-6);
    expect(relDiff(fast.grad, ref.grad)).toBeLessThan(1e-5);
    const bad = tf.tensor1d([0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1], 'int32');
    expect(() => tf.tidy(() => softmaxCrossEntropy(logits, bad))).toThrow(/Label 10 is not a class/);
    [logits, labels, bad].forEach((t) => t.dispose());
  });
});

describe('training on the fast path', () => {
  async function lossCurve(on: boolean, mode: 'lora' | 'full', optimizer: 'adam' | 'sgd' = 'adam') {
    return withFastPathAsync(on, async () => {
      const base = Mlp.random([784, 24, 16, 10], 7);
      const model = mode === 'lora' ? LoraModel.withAdapters(base, [0, 1, 2], { rank: 3, alpha: 6 }, 2) : new LoraModel(base);
      const vars = mode === 'lora' ? model.variables() : base.variables();
      const data = new DigitTensors(syntheticDigits(200));
      const trainer = new Trainer(vars, (x) => model.forward(x), data, { steps: 40, seed: 3, reportEvery: 1, learningRate: optimizer === 'sgd' ? 0.2 : 5e-3, optimizer, batchSize: 32 });
      const losses: number[] = [];
      await trainer.run((p) => losses.push(p.loss));
      const weights = vars.map((v) => read(v).slice());
      trainer.dispose();
      model.disposeAdapters();
      base.dispose();
      data.dispose();
      return { losses, weights };
    });
  }

  it('follows the reference loss curve without the WASM module too (LoRA, Adam: tfjs products and tf.train.adam)', async () => {
    const ref = await lossCurve(false, 'lora');
    setFmaProducts(false);
    try {
      const noModule = await lossCurve(true, 'lora');
      expect(relDiff(noModule.losses, ref.losses)).toBeLessThan(1e-4);
      noModule.weights.forEach((w, i) => expect(relDiff(w, ref.weights[i])).toBeLessThan(1e-4));
    } finally {
      setFmaProducts(true);
    }
  });

  for (const [mode, optimizer] of [['lora', 'adam'], ['full', 'adam'], ['full', 'sgd']] as const) {
    it(`follows the reference loss curve step by step (${mode}, ${optimizer}, 40 steps)`, async () => {
      const ref = await lossCurve(false, mode, optimizer);
      const fast = await lossCurve(true, mode, optimizer);
      expect(ref.losses).toHaveLength(40);
      expect(ref.losses.at(-1)!).toBeLessThan(ref.losses[0] * 0.7); // it learns, so the curve means something
      expect(relDiff(fast.losses, ref.losses)).toBeLessThan(1e-4);
      fast.weights.forEach((w, i) => expect(relDiff(w, ref.weights[i])).toBeLessThan(1e-4));
    });
  }

  it('keeps the tensor count and bytes flat (nothing the gradient saved is left behind)', async () => {
    const base = Mlp.random([784, 32, 10], 1);
    for (const mode of ['lora', 'full']) {
      const model = mode === 'lora' ? LoraModel.withAdapters(base, [0, 1], { rank: 2, alpha: 2 }, 1) : new LoraModel(base);
      const vars = mode === 'lora' ? model.variables() : base.variables();
      const data = new DigitTensors(syntheticDigits(128));
      const trainer = new Trainer(vars, (x) => model.forward(x), data, { steps: 3, reportEvery: 2 });
      await trainer.run();
      const count = tf.memory().numTensors;
      const bytes = tf.memory().numBytes;
      // Buffers the backend holds, tensors or not (a kernel that forgot one would show here only).
      const buffers = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      trainer.options.steps = 60;
      await trainer.run();
      expect(tf.memory().numTensors).toBe(count);
      expect(tf.memory().numBytes).toBe(bytes);
      expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(buffers);
      trainer.dispose();
      model.disposeAdapters();
      data.dispose();
    }
    base.dispose();
  });

  it('leaves nothing behind when a forward pass runs without a gradient', () => {
    const base = Mlp.random([784, 32, 10], 1);
    const model = LoraModel.withAdapters(base, [0, 1], { rank: 2, alpha: 2 }, 1);
    const x = tf.randomUniform([3, 784]) as Tensor2D;
    const count = tf.memory().numTensors;
    tf.tidy(() => {
      model.forward(x);
    });
    expect(tf.memory().numTensors).toBe(count);
    x.dispose();
    model.disposeAdapters();
    base.dispose();
  });
});

async function withFastPathAsync<T>(on: boolean, f: () => Promise<T>): Promise<T> {
  const previous = fastPathEnabled();
  setFastPath(on);
  try {
    return await f();
  } finally {
    setFastPath(previous);
  }
}
