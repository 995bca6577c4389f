import { describe, expect, test } from 'vitest';
import { DYNAMIC8, FP4_E2M1, INT4, INT8, NF4, maxRoundingError, normalFloatLevels, normalQuantile } from '../../src/core/quant';

// bitsandbytes' published NF4 table (functional.get_4bit_type("nf4") and the CUDA kernels).
const BNB_NF4 = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
];

/** Φ(z) by composite Simpson integration of the density: independent of the code under test. */
function normalCdf(z: number): number {
  const steps = 4000;
  const h = z / steps;
  const pdf = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let sum = pdf(0) + pdf(z);
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * pdf(i * h);
  return 0.5 + (sum * h) / 3;
}

describe('normalQuantile', () => {
  test('matches tabulated quantiles', () => {
    // Reference values from standard tables (scipy.stats.norm.ppf).
    const table: [number, number][] = [
      [0.5, 0],
      [0.975, 1.959963984540054],
      [0.95, 1.6448536269514722],
      [0.99, 2.3263478740408408],
      [0.001, -3.090232306167813],
      [1e-10, -6.361340902404056],
    ];
    for (const [p, z] of table) expect(normalQuantile(p)).toBeCloseTo(z, 12);
  });

  test('inverts an independently integrated CDF to ~1e-12', () => {
    for (const p of [0.01, 0.1, 0.25, 0.5001, 0.6, 0.9, 0.9677083, 0.995]) {
      expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(1e-12);
    }
  });

  test('rejects probabilities outside [0, 1] and is infinite at the ends', () => {
    expect(() => normalQuantile(1.5)).toThrow();
    expect(() => normalQuantile(Number.NaN)).toThrow();
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});

describe('NF4', () => {
  const levels = Array.from(NF4.levels);

  test('has 16 strictly increasing values in [−1, 1] with exact −1, 0 and 1', () => {
    expect(NF4.bits).toBe(4);
    expect(levels).toHaveLength(16);
    for (let i = 1; i < 16; i++) expect(levels[i]).toBeGreaterThan(levels[i - 1]);
    expect(levels[0]).toBe(-1);
    expect(levels[15]).toBe(1);
    expect(levels.filter((v) => v === 0)).toHaveLength(1);
  });

  test('is asymmetric: 7 negative and 8 positive levels', () => {
    expect(levels.filter((v) => v < 0)).toHaveLength(7);
    expect(levels.filter((v) => v > 0)).toHaveLength(8);
  });

  test('matches the bitsandbytes table to 1e-6', () => {
    levels.forEach((v, i) => expect(Math.abs(v - BNB_NF4[i])).toBeLessThan(1e-6));
  });

  test('positive levels are the normal quantiles of equally spaced probabilities', () => {
    // Independent restatement: level k of the positive half ∝ Φ⁻¹ at offset − k·(offset − ½)/8.
    const offset = 0.9677083;
    const top = 1.848130959757373; // Φ⁻¹(0.9677083), scipy
    const firstPositive = 0.14707486998661487; // Φ⁻¹(0.5584635375), scipy
    expect(offset - 7 * ((offset - 0.5) / 8)).toBeCloseTo(0.5584635375, 12);
    expect(levels[8]).toBeCloseTo(firstPositive / top, 6);
  });

  test('without the extra value the map is symmetric', () => {
    const symmetric = Array.from(normalFloatLevels(0.9677083, false));
    expect(symmetric).toHaveLength(15);
    for (let i = 0; i < 15; i++) expect(symmetric[i]).toBeCloseTo(-symmetric[14 - i], 7);
  });
});

describe('other data types', () => {
  test('FP4 E2M1 is ±{0, 0.5, 1, 1.5, 2, 3, 4, 6} / 6', () => {
    const magnitudes = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
    const expected = [...new Set([...magnitudes.map((m) => -m / 6), ...magnitudes.map((m) => m / 6)])].sort((a, b) => a - b);
    expect(Array.from(FP4_E2M1.levels)).toEqual(expected.map((v) => Math.fround(v)));
  });

  test('INT4 is −7..7 / 7 and INT8 is −127..127 / 127', () => {
    expect(Array.from(INT4.levels)).toEqual(Array.from({ length: 15 }, (_, i) => Math.fround((i - 7) / 7)));
    expect(INT8.levels).toHaveLength(255);
    expect(INT8.levels[0]).toBe(-1);
    expect(INT8.levels[127]).toBe(0);
    expect(INT8.levels[128]).toBe(Math.fround(1 / 127));
  });

  test('dynamic 8-bit map has bitsandbytes’ shape', () => {
    const v = Array.from(DYNAMIC8.levels);
    expect(v).toHaveLength(256);
    expect(new Set(v).size).toBe(256);
    expect(v[255]).toBe(1);
    expect(v[0]).toBe(Math.fround(-(1 - 0.9 / 128))); // most negative: midpoint of the last 1/64 of (0.1, 1)
    expect(v).toContain(0);
    expect(v[128]).toBe(Math.fround(0.55e-6)); // smallest positive: mean of (0.1, 1) × 1e-6
  });

  test('worst rounding error is half the largest gap', () => {
    // Largest gaps by hand: INT4 1/7, FP4 (4→6)/6 = 1/3, NF4 −1 → −0.6961928 (table), INT8 1/127.
    expect(maxRoundingError(INT4)).toBeCloseTo(1 / 14, 7);
    expect(maxRoundingError(FP4_E2M1)).toBeCloseTo(1 / 6, 7);
    expect(maxRoundingError(NF4)).toBeCloseTo((1 - 0.6961928009986877) / 2, 6);
    expect(maxRoundingError(INT8)).toBeCloseTo(1 / 254, 7);
  });
});
