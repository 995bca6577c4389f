// QA-LoRA in tfjs (/qa-lora/): the pooled adapter's forward, the group-wise INT4 base, and the exact merge.
import { beforeAll, describe, expect, it } from 'vitest';
import { LoraModel, Mlp, mulberry32, tf, uniformArray } from '../../src/engine/index';
import { dequantizeGroupwise, matrix, qaLoraForward, quantizeGroupwise } from '../../src/core/quant/index';
import {
  GroupwiseQuantizedMlp, QaLoraAdapter, QaLoraModel, adapterFactors, groupSizesFor, largestDivisorAtMost,
  mergeLoraAndRequantizeModel, mergeQaLoraModel, qaLoraDense,
} from '../../src/engine/qalora';
import { disposeAll, expectTrainerLearnsWithoutLeaks, useWasm } from './helpers';

beforeAll(useWasm);

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return m / scale;
};

/** An adapter with non-zero random factors (B = 0 would make every comparison trivial). */
function randomAdapter(layer: number, dIn: number, dOut: number, g: number, rank: number, seed: number): QaLoraAdapter {
  const rand = mulberry32(seed);
  return new QaLoraAdapter(layer, dIn, dOut, g, { rank, alpha: 2 * rank }, uniformArray((dIn / g) * rank, 0.5, rand), uniformArray(rank * dOut, 0.5, rand));
}

describe('group sizes', () => {
  it('picks, per layer, the largest divisor of its input size not above the target', () => {
    const sizes = [784, 1000, 2000, 10];
    expect(groupSizesFor(sizes, 32)).toEqual([28, 25, 25]);
    expect(groupSizesFor(sizes, 16)).toEqual([16, 10, 16]);
    expect(groupSizesFor(sizes, 64)).toEqual([56, 50, 50]);
    expect(groupSizesFor(sizes, 128)).toEqual([112, 125, 125]);
    expect(groupSizesFor(sizes, 8)).toEqual([8, 8, 8]);
    expect(largestDivisorAtMost(13, 12)).toBe(1);
  });
});

describe('QA-LoRA forward in tfjs', () => {
  it('equals the quant engine’s qaLoraForward for the same numbers', async () => {
    const [k, d, g, r] = [24, 10, 6, 3];
    const mlp = Mlp.random([k, d], 11);
    const base = GroupwiseQuantizedMlp.fromWeights(mlp.readWeights(), mlp.fingerprint, [g]);
    const adapter = randomAdapter(0, k, d, g, r, 12);
    const { A, B } = await adapterFactors(adapter);
    expect([A.rows, A.cols, B.rows, B.cols]).toEqual([r, k / g, d, r]);
    const xs = uniformArray(4 * k, 1, mulberry32(13));
    const got = tf.tidy(() => {
      const { kernel, bias } = base.layerTensors(0);
      return qaLoraDense(tf.tensor2d(xs, [4, k]), kernel, bias, adapter).dataSync();
    });
    const bias = mlp.readWeights()[0].bias;
    for (let n = 0; n < 4; n++) {
      const y = qaLoraForward(base.layerQuant(0), A, B, adapter.scale, xs.subarray(n * k, (n + 1) * k));
      const expected = y.map((v, i) => v + bias[i]);
      expect(maxRel(got.subarray(n * d, (n + 1) * d), expected)).toBeLessThan(1e-5);
    }
    adapter.dispose();
    base.dispose();
    mlp.dispose();
  });

  it('decodes the group-wise INT4 base to exactly the engine’s dequantizeGroupwise (transposed)', () => {
    const mlp = Mlp.random([30, 7, 5], 14);
    const w = mlp.readWeights();
    const base = GroupwiseQuantizedMlp.fromWeights(w, mlp.fingerprint, [6, 7]);
    w.forEach((layer, i) => {
      const w0 = transpose(layer.kernel, layer.dIn, layer.dOut);
      const expected = transpose(dequantizeGroupwise(quantizeGroupwise(matrix(layer.dOut, layer.dIn, w0), [6, 7][i])).data, layer.dOut, layer.dIn);
      const got = tf.tidy(() => base.layerTensors(i).kernel.dataSync());
      expect(Array.from(got)).toEqual(Array.from(expected));
    });
    base.dispose();
    mlp.dispose();
  });

  it('refuses a group size that does not divide the input size', () => {
    expect(() => randomAdapter(0, 25, 4, 4, 2, 1)).toThrow(/must divide/);
  });
});

describe('merging', () => {
  it('folds QA-LoRA into the zero points: codes and scales unchanged, every weight on the INT4 grid, same outputs', async () => {
    const sizes = [40, 12, 6];
    const mlp = Mlp.random(sizes, 15);
    const gs = [8, 4];
    const base = GroupwiseQuantizedMlp.fromWeights(mlp.readWeights(), mlp.fingerprint, gs);
    const model = new QaLoraModel(base, [randomAdapter(0, 40, 12, 8, 2, 16), randomAdapter(1, 12, 6, 4, 2, 17)]);
    const x = tf.tensor2d(uniformArray(3 * 40, 1, mulberry32(18)), [3, 40]);
    const unmerged = tf.tidy(() => model.forward(x).dataSync());
    const { merged, reports } = await mergeQaLoraModel(model);
    expect(reports.map((r) => r.grid.onGrid)).toEqual([true, true]);
    expect(reports.every((r) => r.codesUnchanged)).toBe(true);
    // Independent check: the unmerged layer's dense weights, W̃ + s·B·A spread over each group / g,
    // minus the merged zero points, are whole multiples (0…15) of the unchanged scales.
    for (const [i, a] of model.adapters.entries()) {
      const q = base.layerQuant(i);
      const m = merged.layerQuant(i);
      expect(Array.from(m.codes)).toEqual(Array.from(q.codes));
      const { A, B } = await adapterFactors(a!);
      const W = dequantizeGroupwise(q).data;
      const L = q.cols / q.groupSize;
      let worst = 0;
      for (let row = 0; row < q.rows; row++) {
        for (let j = 0; j < q.cols; j++) {
          const l = Math.floor(j / q.groupSize);
          let ba = 0;
          for (let t = 0; t < A.rows; t++) ba += B.data[row * B.cols + t] * A.data[t * L + l];
          const w = W[row * q.cols + j] + (a!.scale * ba) / q.groupSize;
          const steps = (w - m.offset[row * L + l]) / m.scale[row * L + l];
          expect(Math.round(steps)).toBeGreaterThanOrEqual(0);
          expect(Math.round(steps)).toBeLessThanOrEqual(15);
          worst = Math.max(worst, Math.abs(steps - Math.round(steps)));
        }
      }
      expect(worst).toBeLessThan(1e-3);
      expect(Array.from(m.offset)).not.toEqual(Array.from(q.offset));
    }
    const after = tf.tidy(() => new LoraModel(merged).forward(x).dataSync());
    expect(maxRel(after, unmerged)).toBeLessThan(1e-5);
    model.disposeAdapters();
    disposeAll(merged, base, x, mlp);
  });

  it('a full LoRA merged into the INT4 base leaves the grid, so it must be re-quantized', async () => {
    const mlp = Mlp.random([40, 12, 6], 19);
    const base = GroupwiseQuantizedMlp.fromWeights(mlp.readWeights(), mlp.fingerprint, [8, 4]);
    const model = LoraModel.withAdapters(base, [0, 1], { rank: 2, alpha: 4 }, 20);
    model.adapters.forEach((a) => a!.Bt.assign(tf.randomUniform(a!.Bt.shape, -0.5, 0.5, 'float32', 21) as tf.Tensor2D));
    const { merged, reports } = await mergeLoraAndRequantizeModel(model);
    for (const r of reports) {
      expect(r.gridBefore.onGrid).toBe(false);
      expect(r.gridBefore.offGrid).toBeGreaterThan(0);
      expect(r.requantError.relativeFrobenius).toBeGreaterThan(0);
    }
    // The re-quantized model is again INT4 (codes 0…15), but no longer the function that was trained.
    for (let i = 0; i < 2; i++) expect(Math.max(...merged.layerQuant(i).codes)).toBeLessThanOrEqual(15);
    const x = tf.tensor2d(uniformArray(3 * 40, 1, mulberry32(22)), [3, 40]);
    const unmerged = tf.tidy(() => model.forward(x).dataSync());
    const after = tf.tidy(() => new LoraModel(merged).forward(x).dataSync());
    expect(maxRel(after, unmerged)).toBeGreaterThan(1e-4);
    model.disposeAdapters();
    disposeAll(merged, base, x, mlp);
  });
});

describe('QA-LoRA training', () => {
  it('the generic Trainer trains only the pooled adapters, the loss falls, tensors stay flat', async () => {
    const mlp = Mlp.random([784, 48, 10], 23);
    const base = GroupwiseQuantizedMlp.fromWeights(mlp.readWeights(), mlp.fingerprint, groupSizesFor([784, 48, 10], 16));
    const codes = [0, 1].map((i) => Array.from(base.layerQuant(i).codes));
    const model = QaLoraModel.withAdapters(base, [0, 1], base.groupSizes, { rank: 4, alpha: 8 }, 24);
    expect(model.paramCount()).toBe(4 * (784 / 16 + 48) + 4 * (48 / 16 + 10));
    expect(model.variables().reduce((s, v) => s + v.size, 0)).toBe(model.paramCount());
    await expectTrainerLearnsWithoutLeaks(model, 2);
    [0, 1].forEach((i) => expect(Array.from(base.layerQuant(i).codes)).toEqual(codes[i]));
    model.disposeAdapters();
    base.dispose();
    mlp.dispose();
  });
});
