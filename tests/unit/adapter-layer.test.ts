// The sequential bottleneck adapter used for the latency comparison on /why-peft/.
import { beforeAll, describe, expect, it } from 'vitest';
import { BottleneckAdapter, forwardWithBottleneck } from '../../src/engine/adapterLayer';
import { LoraModel, Mlp, tf } from '../../src/engine/index';
import { useWasm } from './helpers';

beforeAll(useWasm);
const SIZES = [20, 12, 8, 3];

describe('bottleneck adapter', () => {
  it('has W_down d×m, W_up m×d and 2dm + m + d parameters', () => {
    const base = Mlp.random(SIZES, 1);
    const a = BottleneckAdapter.init(base, { after: 1, bottleneck: 3 }, 0);
    expect(a.dim).toBe(8);
    expect(a.down.shape).toEqual([8, 3]);
    expect(a.up.shape).toEqual([3, 8]);
    expect(a.downBias.shape).toEqual([3]);
    expect(a.upBias.shape).toEqual([8]);
    expect(a.paramCount).toBe(2 * 8 * 3 + 3 + 8);
    expect(a.variables().reduce((s, v) => s + v.size, 0)).toBe(a.paramCount);
    a.dispose();
    base.dispose();
  });

  it('starts as the identity (W_up = 0): same logits as the base; a random W_up changes them', () => {
    const base = Mlp.random(SIZES, 2);
    const x = tf.randomUniform([5, 20], 0, 1, 'float32', 3) as tf.Tensor2D;
    const plain = tf.tidy(() => new LoraModel(base).forward(x).dataSync());
    const id = BottleneckAdapter.init(base, { after: 0, bottleneck: 4 }, 1);
    const withId = tf.tidy(() => forwardWithBottleneck(base, x, id).dataSync());
    expect(Array.from(withId)).toEqual(Array.from(plain));
    const rnd = BottleneckAdapter.init(base, { after: 0, bottleneck: 4, init: 'random' }, 1);
    const out = tf.tidy(() => forwardWithBottleneck(base, x, rnd));
    expect(out.shape).toEqual([5, 3]);
    const diff = Math.max(...Array.from(out.dataSync()).map((v, i) => Math.abs(v - plain[i])));
    expect(diff).toBeGreaterThan(1e-3);
    // By hand for one example: h1 = relu(x W1 + b1); h1 + relu(h1 Wd) Wu; then the remaining layers.
    const manual = tf.tidy(() => {
      const l0 = base.layers[0];
      const h1 = tf.relu(tf.add(tf.matMul(x, l0.kernel), l0.bias));
      const h1a = tf.add(h1, tf.matMul(tf.relu(tf.matMul(h1, rnd.down)), rnd.up));
      const h2 = tf.relu(tf.add(tf.matMul(h1a, base.layers[1].kernel), base.layers[1].bias));
      return tf.add(tf.matMul(h2, base.layers[2].kernel), base.layers[2].bias).dataSync();
    });
    Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(manual[i], 5));
    out.dispose();
    [id, rnd].forEach((a) => a.dispose());
    x.dispose();
    base.dispose();
  });

  it('goes only after a hidden layer, with a sensible bottleneck, and leaks no tensors', () => {
    const base = Mlp.random(SIZES, 4);
    expect(() => BottleneckAdapter.init(base, { after: 2, bottleneck: 2 }, 0)).toThrow(/hidden layer/);
    expect(() => BottleneckAdapter.init(base, { after: 0, bottleneck: 0 }, 0)).toThrow(/bottleneck/);
    expect(() => BottleneckAdapter.init(base, { after: 0, bottleneck: 13 }, 0)).toThrow(/1 to 12/);
    const before = tf.memory().numTensors;
    const a = BottleneckAdapter.init(base, { after: 0, bottleneck: 2, init: 'random' }, 0);
    const x = tf.ones([2, 20]) as tf.Tensor2D;
    tf.tidy(() => forwardWithBottleneck(base, x, a).dataSync());
    x.dispose();
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    base.dispose();
  });
});
