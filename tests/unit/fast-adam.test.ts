// The one-pass Adam (src/engine/fast/adam.ts) against tf.train.adam: the same weights, bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/engine/index';
import { FusedAdam, adam, adamMoments } from '../../src/engine/fast/adam';
import { withFastPath } from '../../src/engine/fast/ops';
import { useWasm } from './helpers';

beforeAll(useWasm);

/** Runs `steps` Adam steps with the same seeded gradients on fresh copies of the same variables. */
function train(make: () => tf.Optimizer, steps: number, lr: number) {
  // Sizes with remainders after groups of four, so the loop's tail is checked too.
  const shapes = [[7, 3], [4, 5], [1], [64, 4]];
  const vars = shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i)));
  const opt = make();
  for (let t = 0; t < steps; t++) {
    tf.tidy(() => {
      // Gradients of both signs and several scales, zero included. (Seed 0 would mean "unseeded" to tfjs.)
      const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 1 + 100 * t + i), t % 3 === 2 ? 0 : 10 ** (i - 2)) }));
      opt.applyGradients(grads);
    });
  }
  const out = vars.map((v) => Array.from(v.dataSync()));
  const kind = opt.constructor.name;
  const moments = opt instanceof FusedAdam ? adamMoments(opt).map((m) => Array.from(m.dataSync())) : [];
  opt.dispose();
  vars.forEach((v) => v.dispose());
  return { out, kind, moments };
}

describe('FusedAdam (one pass per variable on WASM)', () => {
  it('is what adam() gives on WASM with the fast path on, and tf.train.adam otherwise', () => {
    const a = adam(1e-3);
    expect(a).toBeInstanceOf(FusedAdam);
    a.dispose();
    const b = withFastPath(false, () => adam(1e-3));
    expect(b).not.toBeInstanceOf(FusedAdam);
    b.dispose();
  });

  for (const lr of [1e-3, 0.05]) {
    it(`gives weights bit-identical to tf.train.adam over 25 steps (lr ${lr})`, () => {
      const fused = train(() => new FusedAdam(lr), 25, lr);
      const stock = train(() => tf.train.adam(lr), 25, lr);
      expect(fused.kind).toBe('FusedAdam');
      expect(stock.kind).not.toBe('FusedAdam');
      // The weights moved (so equality means something) …
      const start = train(() => new FusedAdam(lr), 0, lr);
      expect(fused.out[0]).not.toEqual(start.out[0]);
      // … and every float is the same.
      fused.out.forEach((w, i) => expect(w).toEqual(stock.out[i]));
    });
  }

  it('keeps two moments per variable and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const v = tf.tidy(() => tf.variable(tf.ones([5, 3])));
    const opt = new FusedAdam(0.1);
    tf.tidy(() => opt.applyGradients([{ name: v.name, tensor: tf.onesLike(v) }]));
    expect(adamMoments(opt)).toHaveLength(2);
    // After one step of a constant gradient g = 1: m = 0.1 g, v = 0.001 g², and p moves by −lr.
    const [m, s] = adamMoments(opt).map((t) => t.dataSync()[0]);
    expect(m).toBeCloseTo(0.1, 6);
    expect(s).toBeCloseTo(0.001, 8);
    expect(v.dataSync()[0]).toBeCloseTo(1 - 0.1, 5);
    tf.tidy(() => opt.applyGradients({ [v.name]: tf.onesLike(v) }));
    expect(tf.memory().numTensors).toBe(before + 3); // the variable and its two moments; nothing more per step
    opt.dispose();
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is not used on the CPU backend', async () => {
    await initBackend({ prefer: 'cpu' });
    try {
      const opt = adam(1e-3);
      expect(opt).not.toBeInstanceOf(FusedAdam);
      opt.dispose();
    } finally {
      await useWasm();
    }
  });
});

