// Subspace training (θ = θ₀ + P·θ_d): the sparse projection, its gradient, and
// training in it, checked against ordinary training of the same network.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DigitTensors, Mlp, Trainer, evaluate, mulberry32, tf,
} from '../../src/engine/index';
import type { Tensor1D, Tensor2D } from '../../src/engine/tf';
import {
  ProjectionTensors, SubspaceModel, columnNorms, makeDenseProjection, makeProjection, projectArray, readD90,
  subspaceDimensionProblem,
  type SparseProjection,
} from '../../src/engine/intrinsic';
import { disposeAll, useWasm } from './helpers';

beforeAll(useWasm);

/** P as a dense D×d matrix, built entry by entry from the row slots (a reference independent of the gathers). */
function dense(p: SparseProjection): Float64Array[] {
  const rows = Array.from({ length: p.D }, () => new Float64Array(p.d));
  for (let i = 0; i < p.D; i++) {
    for (let j = 0; j < p.perRow; j++) rows[i][p.rowCols[i * p.perRow + j]] += p.rowVals[i * p.perRow + j];
  }
  return rows;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Tiny 20-feature data, 4 classes, shaped like DigitTensors so the Trainer accepts it. */
class Features {
  readonly n: number;
  readonly x: Tensor2D;
  readonly y: Tensor1D;
  constructor(n: number, features: number, seed: number) {
    const rand = mulberry32(seed);
    const xs = new Float32Array(n * features);
    const ys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ys[i] = i % 4;
      for (let f = 0; f < features; f++) xs[i * features + f] = (f % 4 === ys[i] ? 1 : 0) + (rand() - 0.5);
    }
    this.n = n;
    this.x = tf.tensor2d(xs, [n, features]);
    this.y = tf.tensor1d(ys, 'int32');
  }
  batch(indices: Int32Array) {
    const idx = tf.tensor1d(indices, 'int32');
    return { x: tf.gather(this.x, idx) as Tensor2D, y: tf.gather(this.y, idx) as Tensor1D };
  }
  dispose() {
    this.x.dispose();
    this.y.dispose();
  }
}

/** Ordinary forward pass with plain tfjs ops and tfjs's own gradients: the reference. */
const plainForward = (m: Mlp) => (x: Tensor2D): Tensor2D => {
  let h = x;
  m.layers.forEach((l, i) => {
    h = tf.add(tf.matMul(h, l.kernel), l.bias) as Tensor2D;
    if (i < m.layers.length - 1) h = tf.relu(h);
  });
  return h;
};

const SMALL = [20, 8, 10];
const SMALL_D = 20 * 8 + 8 + 8 * 10 + 10; // 258, counted by hand

describe('sparse random projection', () => {
  it('is the same for the same seed and different for another', () => {
    const a = makeProjection(5000, 37, 11, { perRow: 3 });
    const b = makeProjection(5000, 37, 11, { perRow: 3 });
    const c = makeProjection(5000, 37, 12, { perRow: 3 });
    expect(Buffer.from(a.rowCols.buffer).equals(Buffer.from(b.rowCols.buffer))).toBe(true);
    expect(Buffer.from(a.rowVals.buffer).equals(Buffer.from(b.rowVals.buffer))).toBe(true);
    expect(Buffer.from(a.colRows.buffer).equals(Buffer.from(b.colRows.buffer))).toBe(true);
    expect(Buffer.from(a.rowCols.buffer).equals(Buffer.from(c.rowCols.buffer))).toBe(false);
  });

  it.each([
    [199_210, 750, 1], [199_210, 10, 1], [5000, 300, 4], [258, 258, 1], [258, 258, 3], [258, 1, 2], [1000, 999, 8],
  ])('D = %i, d = %i, %i per row: every column has length 1', (D, d, perRow) => {
    const p = makeProjection(D, d, 3, { perRow });
    const norms = columnNorms(p);
    expect(norms.length).toBe(d);
    for (const n of norms) expect(Math.abs(n - 1)).toBeLessThan(1e-6);
    // Dense check of the same fact, and that no parameter is left out (no empty row).
    if (D * d <= 300_000) {
      const P = dense(p);
      for (let c = 0; c < d; c++) {
        let sq = 0;
        for (let i = 0; i < D; i++) sq += P[i][c] ** 2;
        expect(Math.abs(Math.sqrt(sq) - 1)).toBeLessThan(1e-6);
      }
      for (let i = 0; i < D; i++) expect(P[i].some((v) => v !== 0)).toBe(true);
    }
  });

  it('with one entry per row has orthonormal columns, and at d = D is a signed permutation', () => {
    const p = makeProjection(400, 40, 5);
    const P = dense(p);
    for (let a = 0; a < 40; a += 7) {
      for (let b = 0; b < 40; b++) {
        let dot = 0;
        for (let i = 0; i < 400; i++) dot += P[i][a] * P[i][b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 6);
      }
    }
    const q = dense(makeProjection(SMALL_D, SMALL_D, 9));
    const seen = new Set<number>();
    for (const row of q) {
      const nz = [...row.keys()].filter((c) => row[c] !== 0);
      expect(nz.length).toBe(1);
      expect(Math.abs(row[nz[0]])).toBe(1);
      seen.add(nz[0]);
    }
    expect(seen.size).toBe(SMALL_D);
  });

  it('spreads the entries evenly over the columns', () => {
    const p = makeProjection(10_000, 300, 1, { perRow: 2 });
    const counts = new Array(300).fill(0);
    p.rowVals.forEach((v, s) => { if (v !== 0) counts[p.rowCols[s]]++; });
    // 20,000 slots over 300 columns: 66 or 67 each, less the rare repeats inside a row.
    expect(Math.max(...counts)).toBeLessThanOrEqual(67);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(60);
  });

  it('rejects a subspace dimension that is not 1..D with a readable message', () => {
    expect(subspaceDimensionProblem(0, 100)).toMatch(/at least 1/);
    expect(subspaceDimensionProblem(101, 100)).toMatch(/cannot exceed the network's D = 100/);
    expect(subspaceDimensionProblem(2.5, 100)).toMatch(/whole number/);
    expect(subspaceDimensionProblem(Number.NaN, 100)).toMatch(/must be a number/);
    expect(subspaceDimensionProblem(100, 100)).toBeNull();
    expect(() => makeProjection(100, 101, 0)).toThrow(/cannot exceed/);
    expect(() => makeProjection(100, 10, 0, { perRow: 0 })).toThrow(/per row/);
  });

  it('computes P·v and the gradient Pᵀ·g on the backend, matching the dense matrix', () => {
    const p = makeProjection(900, 37, 2, { perRow: 3 });
    const P = dense(p);
    const rand = mulberry32(4);
    const v = Float32Array.from({ length: 37 }, () => rand() - 0.5);
    const g = Float32Array.from({ length: 900 }, () => rand() - 0.5);
    const want = P.map((row) => row.reduce((s, x, c) => s + x * v[c], 0));
    const wantT = Array.from({ length: 37 }, (_, c) => P.reduce((s, row, i) => s + row[c] * g[i], 0));
    const PT = new ProjectionTensors(p);
    const before = tf.memory().numTensors;
    const [got, grad, adj] = tf.tidy(() => {
      const vt = tf.tensor1d(v);
      const gt = tf.tensor1d(g);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(PT.apply(t as Tensor1D), gt));
      return [PT.apply(vt).dataSync(), tf.grad(f)(vt).dataSync(), PT.adjoint(gt).dataSync()].map((a) => Array.from(a));
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
    expect(maxAbsDiff(projectArray(p, v), want)).toBeLessThan(1e-5);
    expect(maxAbsDiff(grad, wantT)).toBeLessThan(1e-5);
    expect(maxAbsDiff(adj, wantT)).toBeLessThan(1e-5);
    PT.dispose();
  });
});

describe('dense random projection (the paper’s choice for small problems)', () => {
  it('is seeded, has unit columns, and refuses sizes that would not fit', () => {
    const a = makeDenseProjection(3000, 20, 4);
    expect(Buffer.from(a.buffer).equals(Buffer.from(makeDenseProjection(3000, 20, 4).buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(makeDenseProjection(3000, 20, 5).buffer))).toBe(false);
    for (let c = 0; c < 20; c++) {
      let sq = 0;
      for (let i = 0; i < 3000; i++) sq += a[c * 3000 + i] ** 2;
      expect(Math.abs(Math.sqrt(sq) - 1)).toBeLessThan(1e-5);
    }
    expect(() => makeDenseProjection(199_210, 1000, 0)).toThrow(/would hold 199,210,000 numbers/);
  });

  it('gives θ_d the gradient Pᵀ·g through a dense P', () => {
    const base = Mlp.random([784, 8, 10], 1);
    const m = new SubspaceModel(base, 30, { seed: 2, projection: 'dense' });
    expect(m.path).toBe('dense');
    const Pt = makeDenseProjection(m.D, 30, 2);
    const x = tf.randomUniform([4, 784], 0, 1, 'float32', 3) as Tensor2D;
    // d/dθ_d of the sum of the first kernel's entries = the column sums of P over those rows.
    const { value, grads } = tf.variableGrads(() => tf.sum(m.layers()[0].kernel) as tf.Scalar, [m.thetaD]);
    const got = grads[m.thetaD.name].dataSync();
    for (let c = 0; c < 30; c += 7) {
      let want = 0;
      for (let i = 0; i < 784 * 8; i++) want += Pt[c * m.D + i];
      expect(got[c]).toBeCloseTo(want, 4);
    }
    tf.dispose([value, x, ...Object.values(grads)]);
    m.dispose();
    base.dispose();
  });
});

describe('training in a subspace', () => {
  it('the JavaScript and gather paths give the same network and gradient', () => {
    const base = Mlp.random([784, 16, 10], 2);
    const a = new SubspaceModel(base, 50, { seed: 4, perRow: 2, path: 'js' });
    const b = new SubspaceModel(base, 50, { seed: 4, perRow: 2, path: 'gather' });
    const rand = mulberry32(6);
    const theta = Float32Array.from({ length: 50 }, () => rand() - 0.5);
    a.thetaD.assign(tf.tensor1d(theta));
    b.thetaD.assign(tf.tensor1d(theta));
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 1) as Tensor2D;
    const out = (m: SubspaceModel) => tf.tidy(() => Array.from(m.forward(x).dataSync()));
    expect(maxAbsDiff(out(a), out(b))).toBeLessThan(1e-5);
    // The gradient through θ_d: compare via variableGrads, which is what the optimizer uses.
    const vg = (m: SubspaceModel) => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.forward(x))) as tf.Scalar, [m.thetaD]);
      value.dispose();
      return Array.from(grads[m.thetaD.name].dataSync());
    });
    const [ga, gb] = [vg(a), vg(b)];
    expect(ga.some((v) => v !== 0)).toBe(true);
    expect(maxAbsDiff(ga, gb) / Math.max(...gb.map(Math.abs))).toBeLessThan(1e-4);
    disposeAll(a, b, x, base);
  });

  it('starts at θ₀ exactly: at θ_d = 0 the network is the base', () => {
    const base = Mlp.random([784, 16, 10], 3);
    const m = new SubspaceModel(base, 20, { seed: 1 });
    const got = m.readWeights();
    const want = base.readWeights();
    got.forEach((l, i) => {
      expect(Buffer.from(l.kernel.buffer).equals(Buffer.from(want[i].kernel.buffer))).toBe(true);
      expect(Buffer.from(l.bias.buffer).equals(Buffer.from(want[i].bias.buffer))).toBe(true);
    });
    m.dispose();
    base.dispose();
  });

  it('at d = D (one entry per row) takes the same steps as ordinary training', async () => {
    const data = new Features(200, 20, 1) as unknown as DigitTensors;
    const steps = 60;
    const opts = { steps, batchSize: 16, learningRate: 1e-2, seed: 3, reportEvery: 1 };

    const direct = Mlp.random(SMALL, 5);
    const t1 = new Trainer(direct.variables(), plainForward(direct), data, opts);
    const directLosses: number[] = [];
    await t1.run((p) => directLosses.push(p.loss));

    const base = Mlp.random(SMALL, 5);
    const sub = new SubspaceModel(base, SMALL_D, { seed: 8 });
    expect(sub.D).toBe(SMALL_D);
    const t2 = new Trainer(sub.variables(), (x) => sub.forward(x), data, opts);
    const subLosses: number[] = [];
    await t2.run((p) => subLosses.push(p.loss));

    expect(subLosses.length).toBe(steps);
    expect(directLosses[steps - 1]).toBeLessThan(directLosses[0] * 0.5); // it did learn
    for (let i = 0; i < steps; i++) expect(Math.abs(subLosses[i] - directLosses[i])).toBeLessThan(1e-3 * Math.max(1, directLosses[i]));
    // The trained weights agree too.
    const a = sub.readWeights();
    const b = direct.readWeights();
    a.forEach((l, i) => expect(maxAbsDiff(l.kernel, b[i].kernel)).toBeLessThan(1e-4));
    disposeAll(t1, t2, sub, base, direct, data as unknown as Features);
  });

  it('at d = D with several entries per row reaches what ordinary training reaches', async () => {
    const data = new Features(400, 20, 2) as unknown as DigitTensors;
    const opts = { steps: 300, batchSize: 32, learningRate: 1e-2, seed: 1, reportEvery: 50 };
    const direct = Mlp.random(SMALL, 6);
    const t1 = new Trainer(direct.variables(), plainForward(direct), data, opts);
    await t1.run();
    const base = Mlp.random(SMALL, 6);
    const sub = new SubspaceModel(base, SMALL_D, { seed: 2, perRow: 3 });
    const t2 = new Trainer(sub.variables(), (x) => sub.forward(x), data, opts);
    await t2.run();
    const accDirect = (await evaluate(plainForward(direct), data)).accuracy;
    const accSub = (await evaluate((x) => sub.forward(x), data)).accuracy;
    expect(accDirect).toBeGreaterThan(0.9);
    expect(accSub).toBeGreaterThan(accDirect - 0.05);
    disposeAll(t1, t2, sub, base, direct, data as unknown as Features);
  });

  it('changes only θ_d: θ₀ is bit-identical after training, and no tensors leak', async () => {
    const data = new Features(200, 20, 3) as unknown as DigitTensors;
    const base = Mlp.random(SMALL, 9);
    const before = base.readWeights().map((l) => [Buffer.from(l.kernel.slice().buffer), Buffer.from(l.bias.slice().buffer)]);
    const tensorsBefore = tf.memory().numTensors;
    const sub = new SubspaceModel(base, 12, { seed: 1 });
    expect(sub.variables()).toEqual([sub.thetaD]);
    const trainer = new Trainer(sub.variables(), (x) => sub.forward(x), data, { steps: 40, batchSize: 16, learningRate: 5e-2, seed: 2, reportEvery: 10 });
    const losses: number[] = [];
    await trainer.run((p) => losses.push(p.loss));
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    expect(Array.from(sub.thetaD.dataSync()).some((v) => v !== 0)).toBe(true);
    base.readWeights().forEach((l, i) => {
      expect(Buffer.from(l.kernel.buffer).equals(before[i][0])).toBe(true);
      expect(Buffer.from(l.bias.buffer).equals(before[i][1])).toBe(true);
    });
    trainer.dispose();
    sub.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    base.dispose();
    (data as unknown as Features).dispose();
  });
});

describe('reading d₉₀ off a sweep', () => {
  const pts = [
    { d: 10, accuracy: 0.4 }, { d: 100, accuracy: 0.7 }, { d: 300, accuracy: 0.86 }, { d: 500, accuracy: 0.9 }, { d: 1000, accuracy: 0.95 },
  ];

  it('gives the first d at or above 90 % of the baseline, and the linear crossing', () => {
    const r = readD90(pts, 0.98);
    expect(r.threshold).toBeCloseTo(0.882, 12);
    expect(r.firstReaching).toBe(500);
    // Between (300, 0.86) and (500, 0.90): 300 + 200 · (0.882 − 0.86)/0.04 = 410.
    expect(r.interpolated).toBeCloseTo(410, 9);
  });

  it('is order-independent and says "none" when nothing reaches the threshold', () => {
    expect(readD90([...pts].reverse(), 0.98).firstReaching).toBe(500);
    const none = readD90(pts, 1.2);
    expect(none.firstReaching).toBeNull();
    expect(none.interpolated).toBeNull();
    const first = readD90(pts, 0.4);
    expect(first.firstReaching).toBe(10);
    expect(first.interpolated).toBeNull();
  });
});
