import { describe, expect, it } from 'vitest';
import { fraction } from 'mathjs';
import {
  parseEntry, parseMatrix, exactRank, rankOf, describeDependency, formatFraction,
} from '../../src/core/exactRank';
import { preset, presetRank, PRESETS } from '../../components/rank/presets';

// Small deterministic PRNG so the constructed cases are reproducible.
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}
const mul = (a: number[][], b: number[][]) =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));

/** P·D·Q with P, Q unimodular (triangular, ±1 diagonal) and D having exactly r non-zero entries: rank r. */
function matrixOfRank(m: number, n: number, r: number, rand: () => number): number[][] {
  const int = () => Math.floor(rand() * 7) - 3;
  const sign = () => (rand() < 0.5 ? -1 : 1);
  const unimodular = (size: number) => {
    const L = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? sign() : i > j ? int() : 0)));
    const U = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? sign() : j > i ? int() : 0)));
    return mul(L, U);
  };
  const D = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => (i === j && i < r ? 1 + Math.floor(rand() * 4) : 0)));
  return mul(mul(unimodular(m), D), unimodular(n));
}

describe('parseEntry', () => {
  it('reads integers, decimals, exponents and fractions exactly', () => {
    const v = (s: string) => {
      const p = parseEntry(s);
      if (!p.ok) throw new Error(p.reason);
      return p.value.toFraction();
    };
    expect(v('3')).toBe('3');
    expect(v(' -7 ')).toBe('-7');
    expect(v('0.1')).toBe('1/10');
    expect(v('.5')).toBe('1/2');
    expect(v('1.5e3')).toBe('1500');
    expect(v('12e-1')).toBe('6/5');
    expect(v('2/3')).toBe('2/3');
    expect(v('−4/6')).toBe('-2/3');
  });
  it('rejects bad text with a reason', () => {
    for (const [text, reason] of [
      ['', /empty/], ['abc', /not a number/], ['1e400', /too large/], ['2000000', /too large/],
      ['1/0', /divides by zero/], ['1e-400', /decimal places/], ['1,5', /not a number/], ['.', /not a number/],
    ] as const) {
      const p = parseEntry(text);
      expect(p.ok, text).toBe(false);
      if (!p.ok) expect(p.reason).toMatch(reason);
    }
  });
  it('reports every bad cell with its position', () => {
    const { matrix, errors } = parseMatrix([['1', 'x'], ['', '2']]);
    expect(matrix).toBeNull();
    expect(errors.map((e) => [e.row, e.col])).toEqual([[0, 1], [1, 0]]);
  });
});

describe('exactRank', () => {
  it('handles small known cases', () => {
    expect(rankOf([[0]])).toBe(0);
    expect(rankOf([[5]])).toBe(1);
    expect(rankOf([[0, 0], [0, 0]])).toBe(0);
    expect(rankOf([[1, 0, 0], [0, 1, 0], [0, 0, 1]])).toBe(3);
    expect(rankOf([[1, 2, 3], [4, 5, 6], [5, 7, 9]])).toBe(2);
    expect(rankOf([[1, 2, 3, 4]])).toBe(1);
    expect(rankOf([[1], [2], [3]])).toBe(1);
  });

  it('is exact where floating point would round', () => {
    // Row 2 = 0.1 × row 1 exactly; in binary floating point 0.1·3 ≠ 0.3.
    expect(rankOf([['3', '0.3'], ['0.3', '0.03']])).toBe(1);
    expect(rankOf([['1/3', '1/7'], ['7', '3.0001']])).toBe(2);
    expect(rankOf([['1/3', '1/7'], ['7/3', '1']])).toBe(1);
    // Nearly dependent rows (differ by 1e-12) are still independent.
    expect(rankOf([['1', '1'], ['1', '1.000000000001']])).toBe(2);
  });

  it('gives rank 1 for outer products u vᵀ', () => {
    const u = [1, -2, 3, 0.5, 4];
    const v = [2, 7, -1, 3];
    expect(rankOf(u.map((a) => v.map((b) => a * b)))).toBe(1);
  });

  it('finds the rank of P·D·Q constructions (rank known by construction)', () => {
    const rand = rng(42);
    for (let trial = 0; trial < 60; trial++) {
      const m = 1 + Math.floor(rand() * 6);
      const n = 1 + Math.floor(rand() * 6);
      const r = Math.floor(rand() * (Math.min(m, n) + 1));
      expect(rankOf(matrixOfRank(m, n, r, rand)), `${m}×${n} of rank ${r}`).toBe(r);
    }
  });

  it('returns a valid RREF and pivot columns', () => {
    const res = exactRank(parseMatrix([['1', '2', '3'], ['4', '5', '6'], ['5', '7', '9']]).matrix!);
    expect(res.rref.map((row) => row.map((x) => x.toFraction()))).toEqual([['1', '0', '-1'], ['0', '1', '2'], ['0', '0', '0']]);
    expect(res.pivotCols).toEqual([0, 1]);
  });

  it('names dependent rows and their coefficients', () => {
    const res = exactRank(parseMatrix([['1', '2'], ['2', '4'], ['0', '1'], ['3', '7']]).matrix!);
    expect(res.rank).toBe(2);
    expect(res.dependent.map(describeDependency)).toEqual(['row 2 = 2·row 1', 'row 4 = 3·row 1 + row 3']);
    const zero = exactRank(parseMatrix([['0', '0'], ['1', '1']]).matrix!);
    expect(zero.dependent.map(describeDependency)).toEqual(['row 1 is all zeros']);
    expect(describeDependency({ row: 2, combo: [{ of: 0, coef: fraction(-1, 2) }, { of: 1, coef: fraction(-1) }] }))
      .toBe('row 3 = −1/2·row 1 − row 2');
  });

  it('formats fractions with a typographic minus', () => {
    expect(formatFraction(fraction(-3, 4))).toBe('−3/4');
  });
});

describe('presets', () => {
  it('have the rank they claim for every size', () => {
    for (const { name } of PRESETS) {
      for (let r = 1; r <= 6; r++) {
        for (let c = 1; c <= 6; c++) expect(rankOf(preset(name, r, c)), `${name} ${r}×${c}`).toBe(presetRank(name, r, c));
      }
    }
  });
});
