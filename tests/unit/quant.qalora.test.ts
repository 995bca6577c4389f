import { describe, expect, test } from 'vitest';
import {
  checkOnGrid,
  dequantizeGroupwise,
  matrix,
  mergeLoraAndRequantize,
  mergeQaLora,
  poolGroups,
  qaLoraForward,
  quantizeGroupwise,
  seededNormalArray,
  type GroupPooling,
  type Matrix,
} from '../../src/core/quant';

const D_OUT = 12;
const D_IN = 64;
const G = 16; // group size → L = 4 groups per row
const L = D_IN / G;
const R = 3;
const S = 2; // LoRA scale s = α/r

const W = matrix(D_OUT, D_IN, seededNormalArray(D_OUT * D_IN, 1, 0, 0.05));
const A = matrix(R, L, seededNormalArray(R * L, 2, 0, 0.3)); // QA-LoRA: acts on pooled input
const B = matrix(D_OUT, R, seededNormalArray(D_OUT * R, 3, 0, 0.3)); // nonzero, as after training

const at = (m: Matrix, i: number, j: number) => m.data[i * m.cols + j];

/** The test's own reference forward pass: W̃x + s·B·A·pool(x), with plain loops. */
function referenceOutput(Wq: Matrix, x: Float32Array, pooling: GroupPooling): number[] {
  const pooled = Array.from({ length: L }, (_, l) => {
    let sum = 0;
    for (let j = l * G; j < (l + 1) * G; j++) sum += x[j];
    return pooling === 'average' ? sum / G : sum;
  });
  const ax = Array.from({ length: R }, (_, k) => pooled.reduce((acc, p, l) => acc + at(A, k, l) * p, 0));
  return Array.from({ length: D_OUT }, (_, i) => {
    let y = 0;
    for (let j = 0; j < D_IN; j++) y += at(Wq, i, j) * x[j];
    for (let k = 0; k < R; k++) y += S * at(B, i, k) * ax[k];
    return y;
  });
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

describe('group-wise INT4 (QA-LoRA form W̃ = α·Ŵ + β)', () => {
  const q = quantizeGroupwise(W, G, 4);
  const Wq = dequantizeGroupwise(q);

  test('one α and β per (row, group); β is the group minimum; codes in [0, 15]', () => {
    expect(q.scale).toHaveLength(D_OUT * L);
    expect(q.offset).toHaveLength(D_OUT * L);
    expect(q.codes.every((c) => c <= 15)).toBe(true);
    for (let i = 0; i < D_OUT; i++) {
      for (let l = 0; l < L; l++) {
        const group = Array.from(W.data.subarray(i * D_IN + l * G, i * D_IN + (l + 1) * G));
        const lo = Math.min(...group);
        const hi = Math.max(...group);
        expect(q.offset[i * L + l]).toBe(lo);
        expect(q.scale[i * L + l]).toBeCloseTo((hi - lo) / 15, 7);
      }
    }
  });

  test('every weight is within α/2 of the original', () => {
    let worst = 0; // in units of the group's α
    for (let i = 0; i < D_OUT; i++) {
      for (let j = 0; j < D_IN; j++) worst = Math.max(worst, Math.abs(at(W, i, j) - at(Wq, i, j)) / q.scale[i * L + Math.floor(j / G)]);
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-5);
  });

  test('a constant group is stored exactly; non-divisible groups and NaN are rejected', () => {
    const c = matrix(1, 4, new Float32Array([0.25, 0.25, -1, 1]));
    const cq = dequantizeGroupwise(quantizeGroupwise(c, 2));
    expect(Array.from(cq.data.subarray(0, 2))).toEqual([0.25, 0.25]); // α = 0, Ŵ = 0, β = 0.25
    expect(cq.data[2]).toBe(-1); // β = min exactly
    expect(cq.data[3]).toBeCloseTo(1, 6); // 15·fp32(2/15) − 1: only float rounding
    expect(() => quantizeGroupwise(W, 5)).toThrow(/divisor/);
    expect(() => quantizeGroupwise(matrix(1, 2, new Float32Array([0, Number.NaN])), 2)).toThrow(/NaN/);
  });

  test('poolGroups averages (or sums) each group', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect(Array.from(poolGroups(x, 3))).toEqual([2, 5]);
    expect(Array.from(poolGroups(x, 2, 'sum'))).toEqual([3, 7, 11]);
  });
});

describe.each(['average', 'sum'] as const)('QA-LoRA merge (%s pooling)', (pooling) => {
  const q = quantizeGroupwise(W, G, 4);
  const merged = mergeQaLora(q, A, B, S, pooling);
  const factor = pooling === 'average' ? 1 / G : 1;

  // Dense merged weights built directly: W̃ + s·(B·A expanded over each group)·factor.
  const Wq = dequantizeGroupwise(q);
  const dense = new Float32Array(D_OUT * D_IN);
  for (let i = 0; i < D_OUT; i++) {
    for (let j = 0; j < D_IN; j++) {
      let ba = 0;
      for (let k = 0; k < R; k++) ba += at(B, i, k) * at(A, k, Math.floor(j / G));
      dense[i * D_IN + j] = at(Wq, i, j) + S * ba * factor;
    }
  }
  const denseMerged = matrix(D_OUT, D_IN, dense);

  test('keeps the integer codes and scales; only β changes', () => {
    expect(merged.codes).toEqual(q.codes);
    expect(merged.scale).toEqual(q.scale);
    expect(Array.from(merged.offset)).not.toEqual(Array.from(q.offset));
  });

  test('every merged weight is α·integer + β′ (on the INT4 grid)', () => {
    const check = checkOnGrid(denseMerged, merged);
    expect(check.offGrid).toBe(0);
    expect(check.onGrid).toBe(true);
    expect(check.maxDeviation).toBeLessThan(1e-4);
    // …and the merged quantized tensor dequantizes to exactly those weights.
    expect(relativeError(dequantizeGroupwise(merged).data, dense)).toBeLessThan(1e-6);
  });

  test('reproduces the unmerged output W̃x + s·B·A·pool(x)', () => {
    const mergedW = dequantizeGroupwise(merged);
    for (let seed = 10; seed < 15; seed++) {
      const x = seededNormalArray(D_IN, seed);
      const reference = referenceOutput(Wq, x, pooling);
      const yMerged = Array.from({ length: D_OUT }, (_, i) => {
        let y = 0;
        for (let j = 0; j < D_IN; j++) y += at(mergedW, i, j) * x[j];
        return y;
      });
      expect(relativeError(yMerged, reference)).toBeLessThan(1e-4);
      expect(relativeError(qaLoraForward(q, A, B, S, x, pooling), reference)).toBeLessThan(1e-5);
    }
  });
});

describe('grid check and the QLoRA contrast', () => {
  const q = quantizeGroupwise(W, G, 4);

  test('checkOnGrid flags a weight nudged by a third of a step', () => {
    const nudged = dequantizeGroupwise(q);
    expect(checkOnGrid(nudged, q).onGrid).toBe(true);
    nudged.data[5 * D_IN + 7] += q.scale[5 * L + 0] / 3;
    const check = checkOnGrid(nudged, q);
    expect(check.onGrid).toBe(false);
    expect(check.offGrid).toBe(1);
  });

  test('a QLoRA-style merge leaves the grid and re-quantizing it loses part of the adapter', () => {
    const Afull = matrix(R, D_IN, seededNormalArray(R * D_IN, 4, 0, 0.3)); // full-width LoRA A
    const result = mergeLoraAndRequantize(q, Afull, B, S / 8);
    // Exact merged weights, computed here: W̃ + s·B·A.
    const Wq = dequantizeGroupwise(q);
    let diff = 0;
    for (let i = 0; i < D_OUT; i++) {
      for (let j = 0; j < D_IN; j++) {
        let ba = 0;
        for (let k = 0; k < R; k++) ba += at(B, i, k) * at(Afull, k, j);
        diff = Math.max(diff, Math.abs(result.exact.data[i * D_IN + j] - (at(Wq, i, j) + (S / 8) * ba)));
      }
    }
    expect(diff).toBeLessThan(1e-6);
    expect(checkOnGrid(result.exact, q).onGrid).toBe(false);
    // Re-quantized ≠ exact merge: a real error remains.
    expect(result.error.maxAbs).toBeGreaterThan(1e-3);
    expect(result.error.relativeFrobenius).toBeGreaterThan(1e-3);
    let mismatched = 0;
    for (let k = 0; k < result.exact.data.length; k++) if (result.exact.data[k] !== result.dequantized.data[k]) mismatched++;
    expect(mismatched).toBeGreaterThan(D_OUT * D_IN / 2);
  });

  test('adapter shapes are checked', () => {
    expect(() => mergeQaLora(q, matrix(R, D_IN), B, S)).toThrow(/QA-LoRA adapter/);
    expect(() => mergeLoraAndRequantize(q, A, B, S)).toThrow(/LoRA adapter/);
  });
});
