import { describe, expect, test } from 'vitest';
import {
  DYNAMIC8,
  FP4_E2M1,
  INT4,
  INT8,
  NF4,
  constantBitsPerParameter,
  dequantizeBlockwise,
  dequantizeBlockwiseMinMax,
  dequantizeConstants,
  doubleQuantize,
  maxRoundingError,
  meanSquaredError,
  packNibbles,
  quantizeBlockwise,
  quantizeBlockwiseMinMax,
  seededNormalArray,
  storageBreakdown,
  unpackNibbles,
  type QuantDataType,
} from '../../src/core/quant';

const BLOCK = 64;
const N = BLOCK * 40 + 37; // ends in a partial block
// Float32 storage of level·absmax adds at most ~6e-8 relative error on top of the rounding bound.
const slack = (absmax: number) => 1e-6 * absmax + 1e-12;

function blockMaxAbs(x: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

describe('block-wise absmax quantization', () => {
  const x = seededNormalArray(N, 7, 0, 0.02);
  x[5 * BLOCK + 3] = 0.5; // an outlier: only its own block should suffer

  test.each([NF4, FP4_E2M1, INT4, INT8, DYNAMIC8])('$name: every block within its rounding bound', (dtype: QuantDataType) => {
    const q = quantizeBlockwise(x, dtype, BLOCK);
    const y = dequantizeBlockwise(q);
    expect(q.absmax).toHaveLength(Math.ceil(N / BLOCK));
    const halfGap = maxRoundingError(dtype);
    for (let b = 0; b * BLOCK < N; b++) {
      const start = b * BLOCK;
      const end = Math.min(start + BLOCK, N);
      const m = blockMaxAbs(x, start, end);
      expect(q.absmax[b]).toBe(m);
      let worst = 0;
      for (let i = start; i < end; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
      expect(worst).toBeLessThanOrEqual(halfGap * m + slack(m));
    }
  });

  test.each([NF4, FP4_E2M1, INT4])('$name: each code is the nearest level (brute force)', (dtype: QuantDataType) => {
    const q = quantizeBlockwise(x, dtype, BLOCK);
    const levels = Array.from(dtype.levels);
    let worst = 0; // how much farther the chosen level is than the nearest one
    for (let i = 0; i < N; i++) {
      const v = x[i] / q.absmax[Math.floor(i / BLOCK)];
      const best = Math.min(...levels.map((l) => Math.abs(l - v)));
      worst = Math.max(worst, Math.abs(levels[q.codes[i]] - v) - best);
    }
    expect(worst).toBeLessThanOrEqual(1e-7);
  });

  test('the block maximum is reconstructed exactly (levels reach ±1)', () => {
    const q = quantizeBlockwise(x, NF4, BLOCK);
    const y = dequantizeBlockwise(q);
    expect(y[5 * BLOCK + 3]).toBe(Math.fround(0.5));
  });

  test('an all-zero block dequantizes to zeros, not NaN', () => {
    const z = seededNormalArray(3 * BLOCK + 10, 3);
    z.fill(0, BLOCK, 2 * BLOCK);
    z.fill(0, 3 * BLOCK);
    for (const dtype of [NF4, FP4_E2M1, INT4, INT8]) {
      const y = dequantizeBlockwise(quantizeBlockwise(z, dtype, BLOCK));
      for (let i = BLOCK; i < 2 * BLOCK; i++) expect(y[i]).toBe(0);
      for (let i = 3 * BLOCK; i < z.length; i++) expect(y[i]).toBe(0);
      expect(y.some(Number.isNaN)).toBe(false);
    }
    const mm = dequantizeBlockwiseMinMax(quantizeBlockwiseMinMax(z, BLOCK));
    for (let i = BLOCK; i < 2 * BLOCK; i++) expect(mm[i]).toBe(0);
    expect(mm.some(Number.isNaN)).toBe(false);
  });

  test('NaN and Infinity are rejected with a clear error', () => {
    const bad = new Float32Array([0.1, Number.NaN, 0.3]);
    expect(() => quantizeBlockwise(bad, NF4)).toThrow(/element 1 is NaN/);
    expect(() => quantizeBlockwise(new Float32Array([Infinity]), INT4)).toThrow(/Infinity/);
    expect(() => quantizeBlockwiseMinMax(bad)).toThrow(/NaN/);
  });

  test('empty input and bad block sizes', () => {
    expect(dequantizeBlockwise(quantizeBlockwise(new Float32Array(0), NF4))).toHaveLength(0);
    expect(() => quantizeBlockwise(x, NF4, 0)).toThrow();
    expect(() => quantizeBlockwise(x, NF4, 2.5)).toThrow();
  });
});

describe('error ordering on N(0, 1) data, block 64', () => {
  const g = seededNormalArray(64 * 4096, 2024);
  const mse = (dtype: QuantDataType) => meanSquaredError(g, dequantizeBlockwise(quantizeBlockwise(g, dtype, 64)));
  const errors = { int8: mse(INT8), nf4: mse(NF4), fp4: mse(FP4_E2M1), int4: mse(INT4) };

  test('INT8 < NF4 < FP4 (E2M1) < INT4 absmax', () => {
    expect(errors.int8).toBeLessThan(errors.nf4);
    expect(errors.nf4).toBeLessThan(errors.fp4);
    expect(errors.fp4).toBeLessThan(errors.int4);
  });

  test('NF4 beats INT4 absmax clearly (QLoRA’s claim for normally distributed weights)', () => {
    expect(errors.nf4).toBeLessThan(0.8 * errors.int4);
  });

  test('INT4 min–max stays within scale/2 per value', () => {
    const q = quantizeBlockwiseMinMax(g, 64, 4);
    const y = dequantizeBlockwiseMinMax(q);
    let worst = 0; // largest error in units of the block's step
    for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - y[i]) / q.scale[Math.floor(i / 64)]);
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(q.codes.every((c) => c <= 15)).toBe(true);
    // Exact zero survives thanks to the integer zero point.
    const withZero = new Float32Array([-0.3, 0, 0.9, 0.1]);
    expect(dequantizeBlockwiseMinMax(quantizeBlockwiseMinMax(withZero, 4))[1]).toBe(0);
  });

  test('quantizing 2.8M parameters to NF4 takes well under a second', () => {
    const big = seededNormalArray(2_800_000, 9);
    const t0 = performance.now();
    const q = quantizeBlockwise(big, NF4, 64);
    const elapsed = performance.now() - t0;
    expect(q.codes).toHaveLength(2_800_000);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe('packing two 4-bit codes per byte', () => {
  test('even index in the high nibble, odd in the low nibble (bitsandbytes order)', () => {
    expect(Array.from(packNibbles(new Uint8Array([1, 2, 3])))).toEqual([0x12, 0x30]);
    expect(Array.from(unpackNibbles(new Uint8Array([0xab, 0xc0]), 3))).toEqual([0xa, 0xb, 0xc]);
  });

  test.each([1, 3, 63, 129, 1001])('round-trips %i codes', (n) => {
    const codes = new Uint8Array(n);
    for (let i = 0; i < n; i++) codes[i] = (i * 7 + 3) % 16;
    const packed = packNibbles(codes);
    expect(packed).toHaveLength(Math.ceil(n / 2));
    expect(Array.from(unpackNibbles(packed, n))).toEqual(Array.from(codes));
  });

  test('round-trips real NF4 codes and rejects 5-bit codes', () => {
    const q = quantizeBlockwise(seededNormalArray(777, 5), NF4, 64);
    expect(unpackNibbles(packNibbles(q.codes), 777)).toEqual(q.codes);
    expect(() => packNibbles(new Uint8Array([16]))).toThrow();
  });
});

describe('double quantization', () => {
  test('constant overhead is exactly 32/64 = 0.5 and 8/64 + 32/(64·256) = 0.126953125 bits', () => {
    expect(constantBitsPerParameter({ blockSize: 64 })).toBe(0.5);
    expect(constantBitsPerParameter({ blockSize: 64, doubleQuant: true, blockSize2: 256 })).toBe(0.126953125);
    const n = 64 * 256 * 4;
    expect(storageBreakdown(n).constantBitsPerParameter).toBe(0.5);
    expect(storageBreakdown(n, { doubleQuant: true }).constantBitsPerParameter).toBe(0.126953125);
  });

  test('exact storage for n = 1000 and n = 1001 (hand-computed)', () => {
    // 16 blocks of 64 (the last partial); codes 4000 bits = 500 bytes; 16 fp32 absmax = 64 bytes.
    const plain = storageBreakdown(1000);
    expect(plain).toMatchObject({ blocks: 16, codeBits: 4000, constantBits: 512, secondLevelBits: 0, offsetBits: 0, totalBits: 4512, totalBytes: 564 });
    // DQ: 16 bytes of 8-bit constants + one fp32 second-level constant + the fp32 mean.
    const dq = storageBreakdown(1000, { doubleQuant: true });
    expect(dq).toMatchObject({ constantBits: 128, secondLevelBits: 32, offsetBits: 32, totalBits: 4192, totalBytes: 524 });
    expect(dq.bitsPerParameter).toBeCloseTo(4.192, 12);
    // An odd count wastes half a byte on codes.
    expect(storageBreakdown(1001).totalBytes).toBe(501 + 64);
    // Other block sizes: 128 / 512 → 1/4 + 32/(128·512) per parameter.
    expect(constantBitsPerParameter({ blockSize: 128, doubleQuant: true, blockSize2: 512 })).toBe(8 / 128 + 32 / (128 * 512));
  });

  test('double-quantized constants dequantize close to the originals', () => {
    const x = seededNormalArray(64 * 1000 + 5, 11);
    const q = quantizeBlockwise(x, NF4, 64);
    const dq = doubleQuantize(q.absmax, 256);
    expect(dq.quantized.codes).toHaveLength(q.absmax.length);
    expect(dq.quantized.absmax).toHaveLength(Math.ceil(q.absmax.length / 256));
    let mean = 0;
    for (const a of q.absmax) mean += a / q.absmax.length;
    expect(dq.offset).toBeCloseTo(mean, 5);
    const approx = dequantizeConstants(dq);
    for (let b = 0; b < approx.length; b++) {
      expect(Math.abs(approx[b] - q.absmax[b]) / q.absmax[b]).toBeLessThan(0.01);
    }
    // And the weights barely notice.
    const exact = meanSquaredError(x, dequantizeBlockwise(q));
    const viaDq = meanSquaredError(x, dequantizeBlockwise(q, approx));
    expect(viaDq).toBeLessThan(exact * 1.02);
  });
});
