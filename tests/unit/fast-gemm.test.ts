// The WASM FMA products (src/engine/fast/gemm.ts) against tfjs's own kernels.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor2D, type Variable } from '../../src/engine/index';
import { dense, matMulTransposeA, matMulTransposeB, withFastPath } from '../../src/engine/fast/ops';
import { gemmFor, setFmaProducts } from '../../src/engine/fast/gemm';
import { relDiff, useWasm } from './helpers';

beforeAll(useWasm);
afterEach(() => setFmaProducts(true));

const read = (t: tf.Tensor) => t.dataSync().slice() as Float32Array;
const rnd = (shape: [number, number], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed) as Tensor2D;
/** Backend buffers (tensors and the products' own packed copies); tf.memory() does not see the latter. */
const backendBuffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

describe('WASM FMA products', () => {
  it('are available here (Node 22: WASM relaxed SIMD)', () => {
    expect(gemmFor(tf.backend())).not.toBeNull();
  });

  // Shapes cover 4×8 tiles and every remainder: rows mod 4, columns mod 8 (≥ 4 and < 4), packed (≥ 32 rows of B) or not.
  const shapes: [number, number, number][] = [[1, 1, 1], [4, 8, 8], [7, 40, 21], [9, 33, 12], [64, 100, 37], [3, 50, 40], [40, 9, 19], [65, 70, 3], [2, 31, 9]];
  for (const [n, k, d] of shapes) {
    it(`x·w (+ bias, ReLU) matches tfjs for ${n}×${k}·${k}×${d}`, () => {
      const x = rnd([n, k], n + k);
      const w = rnd([k, d], k + d);
      const b = tf.randomNormal([d], 0, 1, 'float32', d) as tf.Tensor1D;
      for (const [bias, act] of [[null, 'linear'], [b, 'relu'], [b, 'linear']] as const) {
        const ref = tf.tidy(() => read(withFastPath(false, () => dense(x, w, bias, act))));
        const got = tf.tidy(() => read(dense(x, w, bias, act)));
        expect(relDiff(got, ref)).toBeLessThan(1e-5);
      }
      [x, w, b].forEach((t) => t.dispose());
    });

    it(`aᵀ·g and g·bᵀ match tfjs for ${n}, ${k}, ${d}`, () => {
      const a = rnd([n, k], 1 + n);
      const g = rnd([n, d], 2 + d);
      const bw = rnd([k, d], 3 + k);
      const refA = tf.tidy(() => read(tf.matMul(a, g, true, false)));
      const refB = tf.tidy(() => read(tf.matMul(g, bw, false, true)));
      expect(relDiff(tf.tidy(() => read(matMulTransposeA(a, g))), refA)).toBeLessThan(1e-5);
      expect(relDiff(tf.tidy(() => read(matMulTransposeB(g, bw))), refB)).toBeLessThan(1e-5);
      [a, g, bw].forEach((t) => t.dispose());
    });
  }

  it('differ from XNNPACK only by rounding (fused multiply-add)', () => {
    const x = rnd([16, 300], 1);
    const w = rnd([300, 50], 2);
    const fma = tf.tidy(() => read(dense(x, w)));
    setFmaProducts(false);
    const xnn = tf.tidy(() => read(dense(x, w)));
    expect(relDiff(fma, xnn)).toBeLessThan(1e-5);
    x.dispose();
    w.dispose();
  });

  // 24 columns: a copy packed in strips; 6: a transposed copy for the narrow products.
  for (const d of [24, 6]) it(`sees a new value of a weight variable (its packed copy is not stale), ${d} columns`, () => {
    const x = rnd([8, 64], 1);
    const w = tf.tidy(() => tf.variable(rnd([64, d], 2))) as Variable<tf.Rank.R2>;
    const first = tf.tidy(() => read(dense(x, w)));
    tf.tidy(() => w.assign(tf.mul(w, -2)));
    const second = tf.tidy(() => read(dense(x, w)));
    const expected = tf.tidy(() => read(tf.matMul(x, w)));
    expect(relDiff(second, expected)).toBeLessThan(1e-5);
    expect(relDiff(second, first.map((v) => -2 * v))).toBeLessThan(1e-5);
    x.dispose();
    w.dispose();
  });

  it('keeps apart the copies of two weights that share memory with different shapes', () => {
    // tf.variable(reshape(t)) shares t's memory: a copy cached for one shape must not serve the other.
    const t = rnd([64, 6], 5);
    const w1 = tf.variable(t) as Variable<tf.Rank.R2>;
    const w2 = tf.variable(tf.reshape(t, [32, 12])) as Variable<tf.Rank.R2>;
    const x1 = rnd([8, 64], 6);
    const x2 = rnd([8, 32], 7);
    // The reference multiplies fresh copies: tfjs's own WASM matMul keys its cached weights by memory alone.
    const copy = (w: Tensor2D) => tf.tensor2d(w.dataSync(), w.shape);
    const ref1 = tf.tidy(() => read(tf.matMul(x1, copy(w1))));
    const ref2 = tf.tidy(() => read(tf.matMul(x2, copy(w2))));
    for (let round = 0; round < 2; round++) {
      expect(relDiff(tf.tidy(() => read(dense(x1, w1))), ref1)).toBeLessThan(1e-5);
      expect(relDiff(tf.tidy(() => read(dense(x2, w2))), ref2)).toBeLessThan(1e-5);
    }
    [w1, w2, x1, x2, t].forEach((v) => v.dispose());
  });

  it('frees the packed copy of a weight once the weight is gone', () => {
    const x = rnd([8, 64], 1);
    gemmFor(tf.backend())!.releaseStale(); // packs left by earlier tests' weights
    const before = backendBuffers();
    const w = tf.tidy(() => tf.variable(rnd([64, 24], 2))) as Variable<tf.Rank.R2>;
    tf.tidy(() => {
      dense(x, w);
    });
    expect(backendBuffers()).toBe(before + 2); // the weight and its packed copy
    for (let i = 0; i < 5; i++) tf.tidy(() => void w.assign(tf.add(w, 1)));
    tf.tidy(() => {
      dense(x, w);
    });
    expect(backendBuffers()).toBe(before + 2); // replaced, not accumulated
    w.dispose();
    const other = tf.tidy(() => tf.variable(rnd([64, 8], 3))) as Variable<tf.Rank.R2>;
    tf.tidy(() => {
      dense(x, other); // any later product sweeps packs of weights that no longer exist
    });
    expect(backendBuffers()).toBe(before + 2); // `other` and its packed copy only
    other.dispose();
    x.dispose();
  });
});
