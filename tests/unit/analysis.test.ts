// The adapter analysis maths (src/core/analysis): QR, SVD, low-rank SVDs of
// LoRA factors, the subspace similarity φ (LoRA paper Eq. 4), ΔW against W, and
// equal parameter budgets. References come from mathjs (an independent
// eigen-solver) or from hand-worked cases, never from the code under test.
import { describe, expect, it } from 'vitest';
import { eigs } from 'mathjs';
import {
  budgetOf, compareDeltaVsW, deltaWSvd, fromArray, fromRows, matmul, projectionNorm, randomOrthonormal,
  randomSubspaceSimilarity, rankForBudget, rightSingularOfA, similarityGrid, subspaceSimilarity, svd, symmetricEigen,
  thinQr, topSingular, type Mat,
} from '../../src/core/analysis/index';
import { mulberry32 } from '../../src/core/rng';

// ---- small helpers written independently of the module -------------------------------------
const rows = (m: Mat) => Array.from({ length: m.rows }, (_, i) => Array.from({ length: m.cols }, (_, j) => m.data[i * m.cols + j]));
function naiveMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, p) => s + x * b[p][j], 0)));
}
const naiveT = (a: number[][]) => a[0].map((_, j) => a.map((r) => r[j]));
function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((r, i) => r.forEach((x, j) => (m = Math.max(m, Math.abs(x - b[i][j])))));
  return m;
}
function randomRows(r: number, c: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: r }, () => Array.from({ length: c }, () => rand() * 2 - 1));
}
/** Singular values from mathjs: square roots of the eigenvalues of MᵀM (or MMᵀ), largest first. */
function referenceSingularValues(m: number[][]): number[] {
  const g = m.length >= m[0].length ? naiveMul(naiveT(m), m) : naiveMul(m, naiveT(m));
  return (eigs(g).values as number[]).map((x) => Math.sqrt(Math.max(0, x))).sort((a, b) => b - a);
}
function expectOrthonormalColumns(m: Mat, tol = 1e-10): void {
  const g = naiveMul(naiveT(rows(m)), rows(m));
  g.forEach((r, i) => r.forEach((x, j) => expect(Math.abs(x - (i === j ? 1 : 0))).toBeLessThan(tol)));
}
/** The orthogonal projector onto the span of m's columns. */
const projector = (m: Mat) => naiveMul(rows(m), naiveT(rows(m)));

// ---- QR and SVD ---------------------------------------------------------------------------------
describe('thinQr', () => {
  it('factors a tall matrix into orthonormal columns times an upper-triangular matrix', () => {
    const a = randomRows(7, 4, 1);
    const { q, r } = thinQr(fromRows(a));
    expectOrthonormalColumns(q);
    rows(r).forEach((row, i) => row.forEach((x, j) => { if (j < i) expect(x).toBe(0); }));
    expect(maxAbsDiff(naiveMul(rows(q), rows(r)), a)).toBeLessThan(1e-12);
  });

  it('keeps q orthonormal for a rank-deficient matrix', () => {
    const a = [[1, 2, 3], [2, 4, 6], [1, 0, 1], [0, 0, 0], [3, 6, 9]]; // column 3 = column 1 + column 2: rank 2
    const { q, r } = thinQr(fromRows(a));
    expectOrthonormalColumns(q);
    expect(maxAbsDiff(naiveMul(rows(q), rows(r)), a)).toBeLessThan(1e-12);
  });
});

describe('svd (one-sided Jacobi)', () => {
  it('gives 3√5 and √5 for [[3, 0], [4, 5]] (worked by hand: σ₁σ₂ = |det| = 15, σ₁² + σ₂² = 50)', () => {
    const { s } = svd(fromRows([[3, 0], [4, 5]]));
    expect(s[0]).toBeCloseTo(3 * Math.sqrt(5), 12);
    expect(s[1]).toBeCloseTo(Math.sqrt(5), 12);
  });

  it.each([[6, 4, 2], [3, 5, 3], [9, 9, 4]])('matches mathjs on a random %i×%i matrix and reconstructs it', (r, c, seed) => {
    const a = randomRows(r, c, seed);
    const { u, s, v } = svd(fromRows(a));
    const ref = referenceSingularValues(a);
    Array.from(s).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 10));
    expectOrthonormalColumns(u);
    expectOrthonormalColumns(v);
    const us = rows(u).map((row) => row.map((x, j) => x * s[j]));
    expect(maxAbsDiff(naiveMul(us, naiveT(rows(v))), a)).toBeLessThan(1e-12);
  });

  it('returns orthonormal u even when singular values are zero', () => {
    const { u, s } = svd(fromRows([[1, 1, 0], [1, 1, 0], [0, 0, 0], [0, 0, 0]]));
    expect(s[0]).toBeCloseTo(2, 12);
    expect(s[1]).toBeCloseTo(0, 12);
    expectOrthonormalColumns(u);
  });
});

describe('symmetricEigen', () => {
  it('matches mathjs on a random symmetric matrix', () => {
    const a = randomRows(6, 6, 9);
    const sym = naiveMul(a, naiveT(a));
    const { values, vectors } = symmetricEigen(fromRows(sym));
    const ref = (eigs(sym).values as number[]).slice().sort((x, y) => y - x);
    Array.from(values).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 10));
    expectOrthonormalColumns(vectors);
  });

  // The Jacobi solver is math/eigen's; this checks the Mat adapter around it.
  it('returns A·V = V·Λ as an n×n Mat, and rejects a non-square matrix', () => {
    const a = randomRows(5, 5, 4);
    const sym = naiveMul(a, naiveT(a)).map((r) => r.map((x) => x - 1)); // indefinite
    const { values, vectors } = symmetricEigen(fromRows(sym));
    expect([vectors.rows, vectors.cols]).toEqual([5, 5]);
    for (let i = 1; i < 5; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    const v = rows(vectors);
    const av = naiveMul(sym, v);
    const vl = v.map((r) => r.map((x, j) => x * values[j]));
    expect(maxAbsDiff(av, vl)).toBeLessThan(1e-10);
    expect(() => symmetricEigen(fromArray(2, 3, [1, 2, 3, 4, 5, 6]))).toThrow(/square/);
  });
});

// ---- SVDs of LoRA factors -------------------------------------------------------------------------
describe('deltaWSvd: the SVD of ΔW = s·BA from the stored factors Aᵀ (k×r) and Bᵀ (r×d)', () => {
  function explicitDeltaW(At: number[][], Bt: number[][], scale: number): number[][] {
    // ΔW = s·B·A = s·(Bᵀ)ᵀ(Aᵀ)ᵀ, d×k
    return naiveMul(naiveT(Bt), naiveT(At)).map((r) => r.map((x) => x * scale));
  }

  it.each([[9, 3, 7, 0.5, 1], [12, 4, 10, 2, 2], [5, 2, 8, 1, 3]])('matches a direct SVD of the formed d×k matrix (k=%i, r=%i, d=%i)', (k, r, d, scale, seed) => {
    const At = randomRows(k, r, seed);
    const Bt = randomRows(r, d, seed + 10);
    const dw = explicitDeltaW(At, Bt, scale);
    const got = deltaWSvd(At.flat(), Bt.flat(), k, r, d, scale);
    expect([got.u.rows, got.u.cols, got.v.rows, got.v.cols]).toEqual([d, r, k, r]);
    const ref = referenceSingularValues(dw);
    Array.from(got.s).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 9));
    expectOrthonormalColumns(got.u);
    expectOrthonormalColumns(got.v);
    const us = rows(got.u).map((row) => row.map((x, j) => x * got.s[j]));
    expect(maxAbsDiff(naiveMul(us, naiveT(rows(got.v))), dw)).toBeLessThan(1e-12);
    // The top singular direction agrees with the direct SVD's (up to sign).
    const direct = svd(fromRows(dw));
    const dot = rows(got.v).reduce((s, row, i) => s + row[0] * direct.v.data[i * direct.v.cols], 0);
    expect(Math.abs(dot)).toBeCloseTo(1, 9);
  });

  it('handles a rank larger than one side of the layer (r = 4 on a 3-output layer)', () => {
    const At = randomRows(6, 4, 5);
    const Bt = randomRows(4, 3, 6);
    const got = deltaWSvd(At.flat(), Bt.flat(), 6, 4, 3, 1);
    const ref = referenceSingularValues(explicitDeltaW(At, Bt, 1));
    expect(got.s.length).toBe(3);
    Array.from(got.s).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 9));
  });

  it('refuses factors of the wrong size', () => {
    expect(() => deltaWSvd(new Float32Array(10), new Float32Array(6), 4, 2, 3)).toThrow(/Aᵀ should hold 4×2 = 8 numbers/);
  });
});

describe('rightSingularOfA: the paper’s U_A, right-singular vectors of A = left-singular vectors of the stored Aᵀ', () => {
  it('spans the same space as the top eigenvectors of AᵀA, in order of singular value', () => {
    const k = 7;
    const r = 3;
    const At = randomRows(k, r, 21);
    const A = naiveT(At); // r×k
    const { v, s } = rightSingularOfA(At.flat(), k, r);
    expect([v.rows, v.cols]).toEqual([k, r]);
    expectOrthonormalColumns(v);
    const ref = referenceSingularValues(A);
    Array.from(s).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 10));
    // Each column is an eigenvector of AᵀA with eigenvalue σᵢ²: AᵀA v = σ² v.
    const ata = naiveMul(naiveT(A), A);
    for (let c = 0; c < r; c++) {
      const col = rows(v).map((row) => row[c]);
      const image = ata.map((row) => row.reduce((acc, x, j) => acc + x * col[j], 0));
      image.forEach((x, i) => expect(x).toBeCloseTo(s[c] ** 2 * col[i], 9));
    }
    // And it is the row space of A: projecting A's rows onto span(v) changes nothing.
    const p = projector(v);
    expect(maxAbsDiff(naiveMul(A, p), A)).toBeLessThan(1e-12);
  });
});

// ---- φ -------------------------------------------------------------------------------------------------
describe('subspace similarity φ (LoRA paper Eq. 4)', () => {
  const e = (n: number, i: number) => Array.from({ length: n }, (_, t) => (t === i ? 1 : 0));
  const cols = (...vs: number[][]) => fromRows(vs[0].map((_, i) => vs.map((v) => v[i])));

  it('is 1 for identical subspaces, even in a different basis', () => {
    const u = randomOrthonormal(20, 5, mulberry32(1));
    const rot = randomOrthonormal(5, 5, mulberry32(2)); // an orthogonal 5×5 matrix
    const same = matmul(u, rot);
    for (const [i, j] of [[1, 1], [3, 3], [5, 5]]) expect(subspaceSimilarity(u, u, i, j)).toBeCloseTo(1, 12);
    expect(subspaceSimilarity(u, same, 5, 5)).toBeCloseTo(1, 12);
    // A smaller subspace inside a larger one also scores 1 (hence the division by min(i, j)).
    expect(subspaceSimilarity(u, u, 2, 5)).toBeCloseTo(1, 12);
  });

  it('is 0 for orthogonal subspaces', () => {
    const a = cols(e(6, 0), e(6, 1));
    const b = cols(e(6, 2), e(6, 3), e(6, 4));
    expect(subspaceSimilarity(a, b, 2, 3)).toBe(0);
  });

  it('gives cos²θ for two lines at angle θ, and ½ for a plane against a line at 45° out of it', () => {
    const th = 0.3;
    expect(subspaceSimilarity(cols([1, 0]), cols([Math.cos(th), Math.sin(th)]), 1, 1)).toBeCloseTo(Math.cos(th) ** 2, 14);
    const plane = cols(e(3, 0), e(3, 1));
    const line = cols([0, Math.SQRT1_2, Math.SQRT1_2]);
    expect(subspaceSimilarity(plane, line, 1, 1)).toBeCloseTo(0, 14); // e₁ ⟂ line
    expect(subspaceSimilarity(plane, line, 2, 1)).toBeCloseTo(0.5, 14);
  });

  it('stays in [0, 1] and the grid agrees with the one-at-a-time formula', () => {
    const a = randomOrthonormal(30, 8, mulberry32(5));
    const b = randomOrthonormal(30, 12, mulberry32(6));
    const grid = similarityGrid(a, b);
    expect(grid.length).toBe(8 * 12);
    for (let i = 1; i <= 8; i++) {
      for (let j = 1; j <= 12; j++) {
        const x = grid[(i - 1) * 12 + (j - 1)];
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1 + 1e-12);
        expect(x).toBeCloseTo(subspaceSimilarity(a, b, i, j), 12);
      }
    }
  });

  it('averages max(i, j)/n for random subspaces', () => {
    const n = 40;
    let sum = 0;
    const trials = 300;
    const rand = mulberry32(11);
    for (let t = 0; t < trials; t++) sum += subspaceSimilarity(randomOrthonormal(n, 2, rand), randomOrthonormal(n, 6, rand), 2, 6);
    expect(sum / trials).toBeCloseTo(randomSubspaceSimilarity(n, 2, 6), 1);
    expect(Math.abs(sum / trials - 6 / 40)).toBeLessThan(0.02);
  });

  it('refuses bases from different spaces and out-of-range i, j', () => {
    const a = randomOrthonormal(10, 3, mulberry32(1));
    const b = randomOrthonormal(11, 3, mulberry32(2));
    expect(() => subspaceSimilarity(a, b, 1, 1)).toThrow(/different spaces/);
    expect(() => subspaceSimilarity(a, a, 4, 1)).toThrow(/i must be between 1 and 3/);
  });
});

// ---- ΔW against W ------------------------------------------------------------------------------------
describe('ΔW against W (LoRA paper §7.3, Table 7)', () => {
  it('finds the top singular values of a larger matrix (subspace iteration vs mathjs)', async () => {
    const w = randomRows(40, 25, 31);
    const top = await topSingular(fromRows(w), 5, mulberry32(3));
    const ref = referenceSingularValues(w);
    Array.from(top.s).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 8));
    expectOrthonormalColumns(top.u, 1e-9);
    expectOrthonormalColumns(top.v, 1e-9);
  });

  it('gives the same answer when W is an operator whose products are done elsewhere', async () => {
    const w = randomRows(30, 20, 43);
    let products = 0;
    const op = {
      rows: 30, cols: 20,
      mul: (x: Mat) => { products++; return fromRows(naiveMul(w, rows(x))); },
      mulT: (x: Mat) => { products++; return fromRows(naiveMul(naiveT(w), rows(x))); },
    };
    const ref = referenceSingularValues(w);
    const top = await topSingular(op, 4, mulberry32(8));
    Array.from(top.s).forEach((x, i) => expect(x).toBeCloseTo(ref[i], 8));
    expect(products).toBeGreaterThan(2);
    const At = randomRows(20, 2, 44);
    const Bt = randomRows(2, 30, 45);
    const viaOp = await compareDeltaVsW(op, At.flat(), Bt.flat(), 2, 1, mulberry32(3), { wNorm: 1 });
    const dense = await compareDeltaVsW(fromRows(w), At.flat(), Bt.flat(), 2, 1, mulberry32(3));
    expect(viaOp.projDelta).toBeCloseTo(dense.projDelta, 10);
    expect(viaOp.projW).toBeCloseTo(dense.projW, 8);
    await expect(compareDeltaVsW(op, At.flat(), Bt.flat(), 2, 1, mulberry32(3))).rejects.toThrow(/Pass ‖W‖_F/);
  });

  it('projects W onto its own top-r directions with norm √(σ₁² + … + σᵣ²)', async () => {
    const w = randomRows(30, 20, 41);
    const ref = referenceSingularValues(w);
    const top = await topSingular(fromRows(w), 3, mulberry32(4));
    expect(await projectionNorm(fromRows(w), top.u, top.v)).toBeCloseTo(Math.sqrt(ref[0] ** 2 + ref[1] ** 2 + ref[2] ** 2), 8);
  });

  it('projects W onto random r-dimensional directions with mean square r²‖W‖²/(dk)', async () => {
    const [d, k, r] = [24, 16, 3];
    const w = fromRows(randomRows(d, k, 51));
    const w2 = w.data.reduce((s, x) => s + x * x, 0);
    const rand = mulberry32(7);
    let sum = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) sum += (await projectionNorm(w, randomOrthonormal(d, r, rand), randomOrthonormal(k, r, rand))) ** 2;
    expect(sum / trials / ((r * r * w2) / (d * k))).toBeGreaterThan(0.85);
    expect(sum / trials / ((r * r * w2) / (d * k))).toBeLessThan(1.15);
  });

  it('reports ΔW inside W’s top directions as fully correlated, and ΔW outside W’s row space as 0', async () => {
    // W = diag(5, 3, 1, 0, …) padded: its row space is e₁, e₂, e₃ of R^6.
    const d = 5;
    const k = 6;
    const w = fromRows(Array.from({ length: d }, (_, i) => Array.from({ length: k }, (_, j) => (i === j && i < 3 ? [5, 3, 1][i] : 0))));
    // ΔW = 2·e₁e₁ᵀ (rank 1): A = e₁ᵀ (1×k), B = 2e₁ (d×1).
    const inside = await compareDeltaVsW(w, Float32Array.from(Array.from({ length: k }, (_, j) => (j === 0 ? 1 : 0))),
      Float32Array.from(Array.from({ length: d }, (_, i) => (i === 0 ? 2 : 0))), 1, 1, mulberry32(1));
    expect(inside.projDelta).toBeCloseTo(5, 10); // e₁ᵀ W e₁
    expect(inside.projW).toBeCloseTo(5, 8);
    expect(inside.deltaNorm).toBeCloseTo(2, 10);
    expect(inside.amplification).toBeCloseTo(2 / 5, 10);
    expect(inside.wNorm).toBeCloseTo(Math.sqrt(35), 10);
    // ΔW = e₄ e₅ᵀ: W has nothing along input direction e₅.
    const outside = await compareDeltaVsW(w, Float32Array.from(Array.from({ length: k }, (_, j) => (j === 4 ? 1 : 0))),
      Float32Array.from(Array.from({ length: d }, (_, i) => (i === 3 ? 1 : 0))), 1, 0.5, mulberry32(1));
    expect(outside.projDelta).toBeCloseTo(0, 12);
    expect(outside.deltaNorm).toBeCloseTo(0.5, 12); // the scale s is part of ΔW
    expect(outside.amplification).toBeGreaterThan(1e10); // nothing of W to amplify
  });

  it('uses the same subspace as a direct SVD of the formed ΔW for a random adapter', async () => {
    const [d, k, r] = [12, 9, 2];
    const w = fromRows(randomRows(d, k, 61));
    const At = randomRows(k, r, 62);
    const Bt = randomRows(r, d, 63);
    const res = await compareDeltaVsW(w, At.flat(), Bt.flat(), r, 1.5, mulberry32(2));
    const dw = naiveMul(naiveT(Bt), naiveT(At)).map((row) => row.map((x) => x * 1.5));
    // Reference: U, V from mathjs eigenvectors of ΔWΔWᵀ and ΔWᵀΔW; then ‖UᵀWV‖_F.
    const top = (g: number[][]) => {
      const ev = eigs(g).eigenvectors as { value: number; vector: number[] }[];
      return ev.sort((a, b) => b.value - a.value).slice(0, r).map((x) => x.vector);
    };
    const U = naiveT(top(naiveMul(dw, naiveT(dw))));
    const V = naiveT(top(naiveMul(naiveT(dw), dw)));
    const m = naiveMul(naiveMul(naiveT(U), rows(w)), V);
    const ref = Math.sqrt(m.flat().reduce((s, x) => s + x * x, 0));
    expect(res.projDelta).toBeCloseTo(ref, 8);
    const fro = Math.sqrt(dw.flat().reduce((s, x) => s + x * x, 0));
    expect(res.deltaNorm).toBeCloseTo(fro, 10);
  });
});

// ---- equal budgets --------------------------------------------------------------------------------------
describe('equal parameter budgets for the target sweep', () => {
  const sizes = [784, 1000, 2000, 10];
  it('spends all three layers at r = 4 (27,176 parameters) on single layers, worked by hand', () => {
    const budget = budgetOf(sizes, [0, 1, 2], 4);
    expect(budget).toBe(4 * (1784 + 3000 + 2010));
    expect(rankForBudget(sizes, [0], budget)).toMatchObject({ rank: 15, params: 26_760, capped: false }); // 27,176/1,784 = 15.2
    expect(rankForBudget(sizes, [1], budget)).toMatchObject({ rank: 9, params: 27_000, capped: false }); // 27,176/3,000 = 9.06
    // 27,176/2,010 = 13.5, but a 10×2000 layer has rank at most 10.
    expect(rankForBudget(sizes, [2], budget)).toMatchObject({ rank: 10, params: 20_100, capped: true, maxRank: 10 });
    expect(rankForBudget(sizes, [0, 1, 2], budget)).toMatchObject({ rank: 4, params: 27_176, capped: false });
  });

  it('never goes below rank 1 and refuses empty or unknown layers', () => {
    expect(rankForBudget(sizes, [1], 10).rank).toBe(1);
    expect(() => rankForBudget(sizes, [], 100)).toThrow(/at least one layer/);
    expect(() => rankForBudget(sizes, [3], 100)).toThrow(/no layer 4/);
  });
});

it('fromArray refuses a wrong number of entries', () => {
  expect(() => fromArray(2, 2, [1, 2, 3])).toThrow(/2×2 = 4 numbers, got 3/);
});
