/**
 * Subspace training (Li, Farkhoor, Liu & Yosinski 2018, "Measuring the
 * Intrinsic Dimension of Objective Landscapes"): instead of training all D
 * parameters θ of a network, train d numbers θ_d and set
 *
 *   θ = θ₀ + P·θ_d,   θ₀ ∈ R^D frozen (the random initialisation),
 *                     P ∈ R^{D×d} fixed and random, columns of unit length,
 *                     θ_d ∈ R^d trained, starting at 0 (so θ = θ₀ at step 0).
 *
 * The projection. A dense P does not fit: the paper's 784-200-200-10 network
 * has D = 199,210, and at d = 1,000 a dense P holds 199 million numbers (797 MB
 * in float32). The paper used a dense P for small problems and, for large ones,
 * a sparse random projection or the Fastfood transform. We use a seeded sparse
 * projection in the style of a sparse Johnson–Lindenstrauss sketch: every row
 * of P (every parameter) has exactly `perRow` non-zero entries ±1, placed in
 * random columns so that each column gets ⌊D·perRow/d⌋ or ⌈D·perRow/d⌉ of them;
 * each column is then divided by its own norm, so every column has length
 * exactly 1. Why this one:
 *   - memory and time are O(D·perRow), independent of d, so a step costs
 *     about the same at d = 10 as at d = 2,000;
 *   - it is cheap on every backend. On WASM and CPU (path 'js'), P·θ_d and
 *     the gradient Pᵀ·g are plain JavaScript loops over the row slots, one
 *     custom-gradient op per weight tensor: reading θ_d and the gradient back
 *     is a cheap copy there, while tfjs's WASM gather kernel is slow (forward
 *     and gradient of the 784-200-200-10 network at d = 300 took about 3×
 *     longer with gathers than with the loops). On GPU backends (path
 *     'gather'), P·θ_d is one gather over the row slots and Pᵀ·g one gather
 *     over the padded column lists, with the gradient given by tf.customGrad
 *     (tfjs's own gather gradient needs a scatter-add kernel, which WASM lacks);
 *   - every parameter moves (no row of P is empty), unlike a projection whose
 *     density is 1/√D;
 *   - with perRow = 1 the columns have disjoint supports, so PᵀP = I exactly,
 *     and at d = D the matrix P is a signed permutation: Adam, which acts
 *     coordinate by coordinate, then takes exactly the steps of ordinary
 *     training (tests/unit/intrinsic.test.ts checks this).
 * The same seed gives the same P, bit for bit, on every machine: it is built
 * in plain JavaScript from mulberry32, not from a backend's random kernels.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D, type Variable } from './tf';
import { deriveSeed, mulberry32, normalArray, shuffledIndices } from '../core/rng';
import { baseParamCount } from '../core/params';
import { validateSizes, type BaseModel, type DenseWeights } from './mlp';
import { dense } from './fast/ops';
import { layerLoop } from './lora';

export * from '../core/intrinsic';

/** The sparse projection as plain arrays, in both orientations. */
export interface SparseProjection {
  /** Native dimension: rows of P (all weights and biases of the network). */
  D: number;
  /** Subspace dimension: columns of P, the trained numbers θ_d. */
  d: number;
  /** Non-zero slots per row (a slot whose column repeats one earlier in the same row is left empty). */
  perRow: number;
  seed: number;
  /** Row-major slots: row i's slots are [i·perRow, (i+1)·perRow). Column index and value. */
  rowCols: Int32Array;
  rowVals: Float32Array;
  /** Column-major, padded to `colSlots` per column: row index and value (0 for padding). */
  colSlots: number;
  colRows: Int32Array;
  colVals: Float32Array;
}

export interface ProjectionOptions {
  /** Non-zeros per row of P (1–8); 1 makes the columns exactly orthonormal. Default 1. */
  perRow?: number;
}

export const DEFAULT_PER_ROW = 1;
export const MAX_PER_ROW = 8;

/** Checks that d is a whole number in 1..D; returns a reader-facing message otherwise. */
export function subspaceDimensionProblem(d: number, D: number): string | null {
  if (!Number.isFinite(d)) return 'The subspace dimension d must be a number.';
  if (!Number.isInteger(d)) return `The subspace dimension d must be a whole number (got ${d}).`;
  if (d < 1) return `The subspace dimension d must be at least 1 (got ${d}).`;
  if (d > D) return `The subspace dimension d cannot exceed the network's D = ${D.toLocaleString('en-US')} parameters (got ${d.toLocaleString('en-US')}).`;
  return null;
}

/** Builds the seeded sparse random projection P ∈ R^{D×d}. */
export function makeProjection(D: number, d: number, seed: number, opts: ProjectionOptions = {}): SparseProjection {
  const perRow = opts.perRow ?? DEFAULT_PER_ROW;
  if (!Number.isInteger(D) || D < 1) throw new Error(`D must be a positive whole number (got ${D}).`);
  const problem = subspaceDimensionProblem(d, D);
  if (problem) throw new Error(problem);
  if (!Number.isInteger(perRow) || perRow < 1 || perRow > MAX_PER_ROW) throw new Error(`Non-zeros per row must be a whole number from 1 to ${MAX_PER_ROW} (got ${perRow}).`);

  const slots = D * perRow;
  const rand = mulberry32(deriveSeed(seed, `projection:${D}:${d}:${perRow}`));
  // Slot s belongs to row ⌊s/perRow⌋; a random permutation, reduced mod d, spreads
  // the slots over the columns as evenly as possible.
  const perm = shuffledIndices(slots, rand);
  const rowCols = new Int32Array(slots);
  const rowVals = new Float32Array(slots);
  const colCount = new Int32Array(d);
  for (let i = 0; i < D; i++) {
    const start = i * perRow;
    for (let j = 0; j < perRow; j++) {
      const s = start + j;
      const c = perm[s] % d;
      rowCols[s] = c;
      let repeated = false;
      for (let t = start; t < s; t++) if (rowVals[t] !== 0 && rowCols[t] === c) repeated = true;
      const sign = rand() < 0.5 ? -1 : 1;
      if (repeated) continue; // keep one entry per (row, column): the slot stays empty
      rowVals[s] = sign;
      colCount[c]++;
    }
  }
  // Normalise every column to length 1 (each column has ≥ 1 entry: its first slot is never a repeat).
  let colSlots = 0;
  for (let c = 0; c < d; c++) colSlots = Math.max(colSlots, colCount[c]);
  const scale = new Float64Array(d);
  for (let c = 0; c < d; c++) scale[c] = 1 / Math.sqrt(colCount[c]);
  for (let s = 0; s < slots; s++) if (rowVals[s] !== 0) rowVals[s] = rowVals[s] * scale[rowCols[s]];

  const colRows = new Int32Array(d * colSlots);
  const colVals = new Float32Array(d * colSlots);
  const fill = new Int32Array(d);
  for (let s = 0; s < slots; s++) {
    if (rowVals[s] === 0) continue;
    const c = rowCols[s];
    const at = c * colSlots + fill[c]++;
    colRows[at] = Math.floor(s / perRow);
    colVals[at] = rowVals[s];
  }
  return { D, d, perRow, seed, rowCols, rowVals, colSlots, colRows, colVals };
}

/** Euclidean length of every column of P (all 1 up to float32 rounding). */
export function columnNorms(p: SparseProjection): Float64Array {
  const sq = new Float64Array(p.d);
  for (let s = 0; s < p.rowVals.length; s++) sq[p.rowCols[s]] += p.rowVals[s] * p.rowVals[s];
  return sq.map(Math.sqrt);
}

/** P·v in plain JavaScript (a reference for tests and for reading θ out). */
export function projectArray(p: SparseProjection, v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(p.D);
  for (let i = 0; i < p.D; i++) {
    let acc = 0;
    for (let j = i * p.perRow; j < (i + 1) * p.perRow; j++) acc += p.rowVals[j] * v[p.rowCols[j]];
    out[i] = acc;
  }
  return out;
}

/** The projection on the current backend, as a differentiable map θ_d ↦ P·θ_d. */
export class ProjectionTensors {
  readonly D: number;
  readonly d: number;
  private readonly perRow: number;
  private readonly colSlots: number;
  private readonly rowCols: Tensor1D;
  private readonly rowVals: Tensor1D;
  private readonly colRows: Tensor1D;
  private readonly colVals: Tensor1D;
  private readonly op: (thetaD: Tensor1D) => Tensor1D;

  constructor(p: SparseProjection) {
    this.D = p.D;
    this.d = p.d;
    this.perRow = p.perRow;
    this.colSlots = p.colSlots;
    this.rowCols = tf.tensor1d(p.rowCols, 'int32');
    this.rowVals = tf.tensor1d(p.rowVals, 'float32');
    this.colRows = tf.tensor1d(p.colRows, 'int32');
    this.colVals = tf.tensor1d(p.colVals, 'float32');
    // P·θ_d and its gradient Pᵀ·dy, each one gather, a product and a row sum.
    this.op = tf.customGrad(((thetaD: Tensor) => ({
      value: this.gatherSum(thetaD as Tensor1D, this.rowCols, this.rowVals, this.D, this.perRow),
      gradFunc: (dy: Tensor) => [this.gatherSum(dy as Tensor1D, this.colRows, this.colVals, this.d, this.colSlots)],
    })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (thetaD: Tensor1D) => Tensor1D;
  }

  private gatherSum(v: Tensor1D, idx: Tensor1D, vals: Tensor1D, n: number, per: number): Tensor1D {
    const picked = tf.mul(tf.gather(v, idx), vals) as Tensor1D;
    return per === 1 ? picked : (tf.sum(tf.reshape(picked, [n, per]), 1) as Tensor1D);
  }

  /** P·θ_d, length D. Differentiable with respect to θ_d. */
  apply(thetaD: Tensor1D): Tensor1D {
    return this.op(thetaD);
  }

  /** Pᵀ·g, length d (the gradient's path, exposed for tests). */
  adjoint(g: Tensor1D): Tensor1D {
    return tf.tidy(() => this.gatherSum(g, this.colRows, this.colVals, this.d, this.colSlots));
  }

  dispose(): void {
    for (const t of [this.rowCols, this.rowVals, this.colRows, this.colVals]) t.dispose();
  }
}

/** Largest D·d for which a dense projection is allowed (64 M entries = 256 MB, held twice). */
export const MAX_DENSE_ENTRIES = 64_000_000;

/**
 * The paper's dense choice, for checking the sparse one at small sizes: Pᵀ as a
 * d×D row-major array, entries N(0, 1), each column of P scaled to length 1.
 */
export function makeDenseProjection(D: number, d: number, seed: number): Float32Array {
  const problem = subspaceDimensionProblem(d, D);
  if (problem) throw new Error(problem);
  if (D * d > MAX_DENSE_ENTRIES) throw new Error(`A dense ${D.toLocaleString('en-US')}×${d.toLocaleString('en-US')} projection would hold ${(D * d).toLocaleString('en-US')} numbers; the limit is ${MAX_DENSE_ENTRIES.toLocaleString('en-US')}.`);
  const Pt = normalArray(D * d, 1, mulberry32(deriveSeed(seed, `dense-projection:${D}:${d}`)));
  for (let c = 0; c < d; c++) {
    const col = Pt.subarray(c * D, (c + 1) * D);
    let sq = 0;
    for (let i = 0; i < D; i++) sq += col[i] * col[i];
    const k = 1 / Math.sqrt(sq);
    for (let i = 0; i < D; i++) col[i] *= k;
  }
  return Pt;
}

/** A dense P on the backend: P·θ_d and Pᵀ·dy as untransposed matMuls (P is kept in both orientations). */
export class DenseProjectionTensors {
  readonly D: number;
  readonly d: number;
  private readonly Pt: Tensor2D;
  private readonly P: Tensor2D;
  private readonly op: (thetaD: Tensor1D) => Tensor1D;

  constructor(D: number, d: number, seed: number) {
    this.D = D;
    this.d = d;
    this.Pt = tf.tensor2d(makeDenseProjection(D, d, seed), [d, D]);
    this.P = tf.transpose(this.Pt);
    this.op = tf.customGrad(((thetaD: Tensor) => ({
      value: tf.reshape(tf.matMul(tf.reshape(thetaD, [1, d]), this.Pt), [D]),
      gradFunc: (dy: Tensor) => [tf.reshape(tf.matMul(tf.reshape(dy, [1, D]), this.P), [d])],
    })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (thetaD: Tensor1D) => Tensor1D;
  }

  apply(thetaD: Tensor1D): Tensor1D {
    return this.op(thetaD);
  }

  dispose(): void {
    this.Pt.dispose();
    this.P.dispose();
  }
}

/**
 * Forward pass of an MLP (ReLU between layers) from per-layer kernels and
 * biases, through the engine's fast dense op (fast/ops.ts: the same maths as
 * tf.matMul + bias + ReLU, with a gradient that avoids WASM's slow transposed
 * products and skips gradients nobody asked for).
 */
export function mlpForward(x: Tensor2D, layers: readonly { kernel: Tensor2D; bias: Tensor1D }[]): Tensor2D {
  return layerLoop(layers.length, x, (i, h, last) => dense(h, layers[i].kernel, layers[i].bias, last ? 'linear' : 'relu'));
}

/** Where each layer's weights sit in the flat parameter vector θ: kernel (k×d, row-major), then bias. */
export function flatLayout(sizes: readonly number[]): { kernel: [number, number]; offset: number; bias: number }[] {
  const out = [];
  let offset = 0;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [k, d] = [sizes[i], sizes[i + 1]];
    out.push({ kernel: [k, d] as [number, number], offset, bias: offset + k * d });
    offset += k * d + d;
  }
  return out;
}

export interface SubspaceOptions extends ProjectionOptions {
  /** Seed of P (θ₀ comes from the base model). */
  seed: number;
  /**
   * How P·θ_d is computed. 'js': in plain JavaScript on the CPU-side arrays,
   * one custom-gradient op per weight tensor (fastest on the WASM and CPU
   * backends, whose gather kernel is slow and whose reads are cheap copies).
   * 'gather': with tfjs gather ops on the backend (for GPU backends, where
   * reading tensors back would stall). Default: 'js' on wasm/cpu, else 'gather'.
   */
  path?: 'js' | 'gather';
  /** 'sparse' (default, any size) or 'dense' (the paper's choice for small problems; D·d ≤ 64 M). */
  projection?: 'sparse' | 'dense';
}

/** One weight tensor of the network as a slice of the flat θ: rows [start, start + size) of P. */
interface Piece {
  start: number;
  size: number;
  shape: number[];
}

/**
 * A network trained in a random d-dimensional subspace of its parameters.
 * The base's weights are θ₀ and are only read; the one trainable variable is θ_d.
 */
export class SubspaceModel {
  readonly base: BaseModel;
  readonly D: number;
  readonly d: number;
  /** The sparse P as arrays (null for a dense P). */
  readonly projection: SparseProjection | null;
  readonly thetaD: Variable<tf.Rank.R1>;
  readonly path: 'js' | 'gather' | 'dense';
  private readonly pieces: Piece[];
  private readonly P: ProjectionTensors | DenseProjectionTensors | null;
  private readonly pieceOps: ((thetaD: Tensor1D) => Tensor)[];

  constructor(base: BaseModel, d: number, opts: SubspaceOptions) {
    validateSizes(base.sizes);
    this.base = base;
    this.D = baseParamCount(base.sizes);
    this.d = d;
    const dense = opts.projection === 'dense';
    this.projection = dense ? null : makeProjection(this.D, d, opts.seed, opts);
    this.path = dense ? 'dense' : opts.path ?? (['wasm', 'cpu'].includes(tf.getBackend()) ? 'js' : 'gather');
    this.pieces = flatLayout(base.sizes).flatMap(({ kernel: [k, n], offset, bias }) => [
      { start: offset, size: k * n, shape: [k, n] },
      { start: bias, size: n, shape: [n] },
    ]);
    this.P = dense ? new DenseProjectionTensors(this.D, d, opts.seed)
      : this.path === 'gather' ? new ProjectionTensors(this.projection!) : null;
    // Only the 'js' path reads θ₀ (and, each step, θ_d and the gradient) back: it runs on WASM and CPU,
    // where a tensor's values are JavaScript memory and a read is a copy. The 'gather' and 'dense' paths,
    // the ones GPU backends take, keep everything on the device and read nothing back (issue 15).
    // A base may make its layer tensors on the fly (the quantized one does): hence the tidy, which returns
    // nothing because it would walk a returned typed array element by element.
    const theta0 = (j: number): Float32Array => {
      let values: Float32Array = new Float32Array(0);
      tf.tidy(() => {
        const w0 = base.layerTensors(j >> 1);
        values = ((j & 1) ? w0.bias : w0.kernel).dataSync().slice() as Float32Array;
      });
      return values;
    };
    this.pieceOps = this.path === 'js' ? this.pieces.map((piece, j) => this.jsPieceOp(piece, theta0(j))) : [];
    this.thetaD = tf.tidy(() => tf.variable(tf.zeros([d]) as Tensor1D, true, undefined, 'float32'));
  }

  /** θ₀ + P·θ_d for one weight tensor, with gradient Pᵀ·dy, both in plain JavaScript. */
  private jsPieceOp(piece: Piece, theta0: Float32Array): (thetaD: Tensor1D) => Tensor {
    const { rowCols, rowVals, perRow, d } = this.projection!;
    const { start, size, shape } = piece;
    return tf.customGrad(((thetaD: Tensor) => {
      const t = thetaD.dataSync();
      const out = new Float32Array(size);
      if (perRow === 1) {
        for (let i = 0, s = start; i < size; i++, s++) out[i] = theta0[i] + rowVals[s] * t[rowCols[s]];
      } else {
        for (let i = 0; i < size; i++) {
          let acc = 0;
          for (let s = (start + i) * perRow, e = s + perRow; s < e; s++) acc += rowVals[s] * t[rowCols[s]];
          out[i] = theta0[i] + acc;
        }
      }
      return {
        value: tf.tensor(out, shape, 'float32'),
        gradFunc: (dy: Tensor) => {
          const g = dy.dataSync();
          const grad = new Float64Array(d);
          if (perRow === 1) {
            for (let i = 0, s = start; i < size; i++, s++) grad[rowCols[s]] += rowVals[s] * g[i];
          } else {
            for (let i = 0; i < size; i++) {
              const gi = g[i];
              for (let s = (start + i) * perRow, e = s + perRow; s < e; s++) grad[rowCols[s]] += rowVals[s] * gi;
            }
          }
          return [tf.tensor1d(Float32Array.from(grad))];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (thetaD: Tensor1D) => Tensor;
  }

  /** θ₀ + P·θ_d as per-layer tensors; call inside tf.tidy. */
  layers(): { kernel: Tensor2D; bias: Tensor1D }[] {
    const n = this.base.sizes.length - 1;
    if (this.path === 'js') {
      return Array.from({ length: n }, (_, i) => ({
        kernel: this.pieceOps[2 * i](this.thetaD) as Tensor2D,
        bias: this.pieceOps[2 * i + 1](this.thetaD) as Tensor1D,
      }));
    }
    const parts = tf.split(this.P!.apply(this.thetaD), this.pieces.map((p) => p.size));
    return Array.from({ length: n }, (_, i) => {
      const w0 = this.base.layerTensors(i);
      return {
        kernel: tf.add(w0.kernel, tf.reshape(parts[2 * i], this.pieces[2 * i].shape)) as Tensor2D,
        bias: tf.add(w0.bias, parts[2 * i + 1]) as Tensor1D,
      };
    });
  }

  forward(x: Tensor2D): Tensor2D {
    return mlpForward(x, this.layers());
  }

  variables(): Variable[] {
    return [this.thetaD];
  }

  /** The full weights θ = θ₀ + P·θ_d, read back as arrays. */
  readWeights(): DenseWeights[] {
    // Read outside tf.tidy: tidy walks whatever it returns, typed arrays included.
    const layers = tf.tidy(() => this.layers());
    const out = layers.map((l, i) => ({
      dIn: this.base.sizes[i],
      dOut: this.base.sizes[i + 1],
      kernel: l.kernel.dataSync().slice() as Float32Array,
      bias: l.bias.dataSync().slice() as Float32Array,
    }));
    layers.forEach((l) => tf.dispose([l.kernel, l.bias]));
    return out;
  }

  /** Frees θ_d and P's tensors; the base belongs to the caller. */
  dispose(): void {
    this.thetaD.dispose();
    this.P?.dispose();
  }
}

/**
 * Training settings shared by the sweep script and the page, so that the two
 * measure the same thing. Adam in both modes. Subspace training gets a larger
 * learning rate because a unit step in θ_d moves each parameter by only about
 * √(d/D) of a unit. Measured on the full MNIST, 1,000 steps of 64, d = 300:
 * lr 1e-2 → 76.3 %, 3e-2 → 80.8 %, 1e-1 → 82.4 % test accuracy; on the
 * 4,000-digit subset, 300 steps, d = 1,000: 3e-2 → 87.2 %, 1e-1 → 86.7 %. We
 * use 3e-2 at every d. Direct training: 3e-3 beat 1e-3 on the subset (93.5 %
 * against 92.2 % after 300 steps), and a stronger baseline only makes the 90 %
 * bar harder to reach.
 */
export const SUBSPACE_DEFAULTS = {
  batchSize: 64,
  learningRate: { direct: 3e-3, subspace: 3e-2 },
  perRow: DEFAULT_PER_ROW,
} as const;
