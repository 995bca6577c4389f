// The site's own eigen/SVD routines against mathjs and against hand-made matrices.
import { describe, expect, it } from 'vitest';
import { eigs, multiply, transpose } from 'mathjs';
import {
  factoredSingularValues, jacobiEigen, lowRankError, lowRankErrors, numericalRank, qrR, rankRApproximation,
  rankTolerance, singularValues, smallGram, smallSvd, symmetricEigenvalues,
} from '../../src/core/eigen';
import { mulberry32 } from '../../src/core/rng';

function randomMatrix(m: number, n: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: m }, () => Array.from({ length: n }, () => rand() * 2 - 1));
}
const flat = (a: number[][]) => a.flat();
const sym = (a: number[][]) => multiply(transpose(a), a) as number[][];
/** mathjs's eigenvalues, sorted decreasing. */
const mathjsEig = (a: number[][]) => (eigs(a).values as number[]).slice().sort((x, y) => y - x);

describe('symmetric eigenvalues', () => {
  it.each([1, 2, 3, 5, 8, 13])('tridiagonal QL and Jacobi agree with mathjs on a random %i×%i matrix', (n) => {
    const a = sym(randomMatrix(n + 2, n, n));
    const expected = mathjsEig(a);
    const ql = symmetricEigenvalues(flat(a), n);
    const jac = jacobiEigen(flat(a), n).values;
    for (let i = 0; i < n; i++) {
      expect(ql[i]).toBeCloseTo(expected[i], 10);
      expect(jac[i]).toBeCloseTo(expected[i], 10);
    }
  });

  it('handles indefinite matrices, repeated values and a diagonal matrix', () => {
    // [[2,1,0],[1,2,1],[0,1,2]] has eigenvalues 2+√2, 2, 2−√2 (by hand).
    const t = [2, 1, 0, 1, 2, 1, 0, 1, 2];
    const ql = symmetricEigenvalues(t, 3);
    expect(Array.from(ql)).toEqual([2 + Math.SQRT2, 2, 2 - Math.SQRT2].map((x) => expect.closeTo(x, 12)));
    const rep = [1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, -4];
    expect(Array.from(symmetricEigenvalues(rep, 4))).toEqual([3, 3, 1, -4].map((x) => expect.closeTo(x, 12)));
    const ind = [[0, 2, -1], [2, -3, 4], [-1, 4, 1]];
    const got = symmetricEigenvalues(flat(ind), 3);
    mathjsEig(ind).forEach((x, i) => expect(got[i]).toBeCloseTo(x, 10));
  });

  it('Jacobi eigenvectors satisfy A v = λ v and are orthonormal', () => {
    const n = 6;
    const a = sym(randomMatrix(9, n, 7));
    const { values, vectors } = jacobiEigen(flat(a), n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i][k] * vectors[k * n + j];
        expect(av).toBeCloseTo(values[j] * vectors[i * n + j], 10);
      }
      for (let j2 = 0; j2 < n; j2++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += vectors[k * n + j] * vectors[k * n + j2];
        expect(dot).toBeCloseTo(j === j2 ? 1 : 0, 10);
      }
    }
  });

  it('a 150×150 matrix: QL agrees with Jacobi and the trace is kept', () => {
    const n = 150;
    const a = randomMatrix(n, n, 3);
    const s = flat(a.map((row, i) => row.map((x, j) => (x + a[j][i]) / 2)));
    const ql = symmetricEigenvalues(s, n);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += s[i * n + i];
    expect(ql.reduce((p, x) => p + x, 0)).toBeCloseTo(trace, 8);
    const jac = jacobiEigen(s, n).values;
    for (let i = 0; i < n; i += 7) expect(ql[i]).toBeCloseTo(jac[i], 9);
  });

  it('rejects a wrong shape and non-finite entries', () => {
    expect(() => symmetricEigenvalues([1, 2, 3], 2)).toThrow(/2×2/);
    expect(() => symmetricEigenvalues([1, NaN, NaN, 1], 2)).toThrow(/finite/);
  });
});

describe('singular values', () => {
  it('match √eig(MᵀM) from mathjs for wide and tall matrices', () => {
    for (const [m, n] of [[4, 7], [7, 4], [5, 5]]) {
      const a = randomMatrix(m, n, m * 10 + n);
      const small = m <= n ? (multiply(a, transpose(a)) as number[][]) : sym(a);
      const expected = mathjsEig(small).map((x) => Math.sqrt(Math.max(0, x)));
      const got = singularValues(flat(a), m, n);
      expect(got.length).toBe(Math.min(m, n));
      expected.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 10));
    }
  });

  it('of a hand-built rank-2 matrix: two non-zero values, numerical rank 2', () => {
    // u1 v1ᵀ·3 + u2 v2ᵀ·1 with orthonormal u's and v's: σ = 3, 1, 0, 0.
    const u1 = [1, 1, 1, 1].map((x) => x / 2);
    const u2 = [1, -1, 1, -1].map((x) => x / 2);
    const v1 = [1, 0, 0, 0, 0];
    const v2 = [0, 0.6, 0.8, 0, 0];
    const m = u1.flatMap((a, i) => v1.map((b, j) => 3 * a * b + u2[i] * v2[j]));
    const s = singularValues(m, 4, 5);
    expect(s[0]).toBeCloseTo(3, 12);
    expect(s[1]).toBeCloseTo(1, 12);
    expect(s[2]).toBeLessThan(1e-7);
    // Through the Gram matrix a zero σ comes out near √ε·σ_max (~1e-8), far below float32's tolerance.
    expect(numericalRank(s, rankTolerance(s, 4, 5))).toBe(2);
  });

  it('the Gram matrix is the smaller side', () => {
    expect(smallGram(new Float64Array(12), 3, 4).size).toBe(3);
    expect(smallGram(new Float64Array(12), 4, 3).size).toBe(3);
    const { g } = smallGram([1, 2, 3, 4, 5, 6], 3, 2); // MᵀM of [[1,2],[3,4],[5,6]]
    expect(Array.from(g)).toEqual([35, 44, 44, 56]);
  });
});

describe('Eckart–Young error', () => {
  it('is √(tail/total), falls with r and is 0 at full rank', () => {
    const sigma = [4, 2, 1, 0];
    expect(lowRankError(sigma, 0)).toBe(1);
    expect(lowRankError(sigma, 1)).toBeCloseTo(Math.sqrt(5 / 21), 14);
    expect(lowRankError(sigma, 2)).toBeCloseTo(Math.sqrt(1 / 21), 14);
    expect(lowRankError(sigma, 3)).toBe(0);
    expect(Array.from(lowRankErrors(sigma))).toEqual([0, 1, 2, 3, 4].map((r) => expect.closeTo(lowRankError(sigma, r), 14)));
    expect(lowRankError([0, 0], 0)).toBe(0);
  });

  it('equals the actual Frobenius error of the SVD reconstruction', () => {
    const [m, n] = [6, 5];
    const a = flat(randomMatrix(m, n, 42));
    const { sigma, v } = smallSvd(a, m, n);
    let total = 0;
    for (const x of a) total += x * x;
    for (let r = 0; r <= n; r++) {
      const approx = rankRApproximation(a, m, n, v, r);
      let err = 0;
      for (let i = 0; i < a.length; i++) err += (a[i] - approx[i]) ** 2;
      expect(Math.sqrt(err / total)).toBeCloseTo(lowRankError(sigma, r), 9);
    }
  });
});

describe('ΔW = s·B·A through QR of the factors', () => {
  it('R has the same singular values as the tall matrix', () => {
    const b = flat(randomMatrix(9, 3, 5));
    const r = qrR(b, 9, 3);
    expect(r[3]).toBe(0); // below the diagonal
    const s1 = singularValues(b, 9, 3);
    const s2 = singularValues(r, 3, 3);
    s1.forEach((x, i) => expect(s2[i]).toBeCloseTo(x, 12));
  });

  it('gives the singular values of the formed product (mathjs)', () => {
    const [d, k, r, s] = [8, 6, 3, 2.5];
    const B = randomMatrix(d, r, 11);
    const A = randomMatrix(r, k, 12);
    const dW = (multiply(B, A) as number[][]).map((row) => row.map((x) => s * x));
    const expected = mathjsEig(sym(dW)).map((x) => Math.sqrt(Math.max(0, x))).slice(0, r);
    const got = factoredSingularValues(flat(B), d, flat(transpose(A)), k, r, s);
    expect(got.length).toBe(r);
    expected.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 9));
  });

  it('B = 0 gives ΔW = 0: rank 0', () => {
    const got = factoredSingularValues(new Float64Array(8 * 2), 8, flat(randomMatrix(6, 2, 1)), 6, 2, 1);
    expect(numericalRank(got, rankTolerance(got, 8, 6))).toBe(0);
  });
});
