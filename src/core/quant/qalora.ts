/**
 * QA-LoRA (Xu et al. 2023) group-wise math: why its merged model stays on the INT4 grid.
 *
 * W ∈ R^{d_out×d_in} is quantized per output row in L groups of g = d_in / L consecutive
 * inputs, each with a real scale α and real offset β (the group minimum): W̃ = α·Ŵ + β with
 * integer Ŵ ∈ [0, 2^bits − 1]. The adapter sees the group-pooled input, so A ∈ R^{r×L},
 * B ∈ R^{d_out×r} and its weight-space effect s·(BA)[i, l]·(pooling factor) is the same for
 * every input j of group l: it folds into β exactly and leaves Ŵ and α untouched.
 * The released code pools by average (nn.AvgPool1d(group_size)), giving factor 1/g; the sum
 * variant (factor 1) is also offered. d_in must be a multiple of g, as in QA-LoRA.
 */
import { errorReport, type ErrorReport } from './errors';
import { assertFinite } from './blockwise';

/** Dense row-major matrix. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export type GroupPooling = 'average' | 'sum';

export interface GroupwiseQuantized {
  /** d_out. */
  readonly rows: number;
  /** d_in. */
  readonly cols: number;
  readonly groupSize: number;
  readonly bits: number;
  /** Ŵ, integers in [0, 2^bits − 1], row-major like W. */
  readonly codes: Uint8Array;
  /** α per (row, group), row-major rows × L. */
  readonly scale: Float32Array;
  /** β per (row, group), row-major rows × L. */
  readonly offset: Float32Array;
}

export function matrix(rows: number, cols: number, data: Float32Array = new Float32Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) throw new Error(`matrix: ${data.length} values for ${rows}×${cols}`);
  return { rows, cols, data };
}

export function groupCount(q: { cols: number; groupSize: number }): number {
  return q.cols / q.groupSize;
}

function checkGroups(cols: number, groupSize: number): void {
  if (!Number.isInteger(groupSize) || groupSize < 1 || cols % groupSize !== 0) {
    throw new RangeError(`group size ${groupSize} must be a positive divisor of d_in = ${cols}`);
  }
}

/** Min–max per group: α = (max − min)/(2^bits − 1), β = min, Ŵ = round((w − β)/α). */
export function quantizeGroupwise(W: Matrix, groupSize: number, bits = 4): GroupwiseQuantized {
  checkGroups(W.cols, groupSize);
  assertFinite(W.data, 'weight matrix');
  const { rows, cols, data } = W;
  const groups = cols / groupSize;
  const qmax = 2 ** bits - 1;
  const codes = new Uint8Array(rows * cols);
  const scale = new Float32Array(rows * groups);
  const offset = new Float32Array(rows * groups);
  for (let i = 0; i < rows; i++) {
    for (let l = 0; l < groups; l++) {
      const start = i * cols + l * groupSize;
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = start; j < start + groupSize; j++) {
        if (data[j] < lo) lo = data[j];
        if (data[j] > hi) hi = data[j];
      }
      const alpha = Math.fround((hi - lo) / qmax);
      scale[i * groups + l] = alpha;
      offset[i * groups + l] = lo;
      if (alpha === 0) continue; // constant group: Ŵ = 0 reproduces β = the value exactly
      for (let j = start; j < start + groupSize; j++) {
        const q = Math.round((data[j] - lo) / alpha);
        codes[j] = q < 0 ? 0 : q > qmax ? qmax : q;
      }
    }
  }
  return { rows, cols, groupSize, bits, codes, scale, offset };
}

/** W̃ = α·Ŵ + β. */
export function dequantizeGroupwise(q: GroupwiseQuantized): Matrix {
  const { rows, cols, groupSize, codes, scale, offset } = q;
  const groups = cols / groupSize;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * groups + Math.floor(j / groupSize);
      out[i * cols + j] = scale[k] * codes[i * cols + j] + offset[k];
    }
  }
  return matrix(rows, cols, out);
}

/** QA-LoRA's input pooling: x ∈ R^{d_in} → R^{L}, average (as released) or sum over each group. */
export function poolGroups(x: Float32Array, groupSize: number, pooling: GroupPooling = 'average'): Float32Array {
  checkGroups(x.length, groupSize);
  const pooled = new Float32Array(x.length / groupSize);
  for (let l = 0; l < pooled.length; l++) {
    let sum = 0;
    for (let j = l * groupSize; j < (l + 1) * groupSize; j++) sum += x[j];
    pooled[l] = pooling === 'average' ? sum / groupSize : sum;
  }
  return pooled;
}

/** C = A·B for dense matrices (float64 accumulation). */
export function matMul(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.rows) throw new Error(`matMul: ${A.rows}×${A.cols} · ${B.rows}×${B.cols}`);
  const out = new Float32Array(A.rows * B.cols);
  const row = new Float64Array(B.cols);
  for (let i = 0; i < A.rows; i++) {
    row.fill(0);
    for (let k = 0; k < A.cols; k++) {
      const a = A.data[i * A.cols + k];
      if (a === 0) continue;
      for (let j = 0; j < B.cols; j++) row[j] += a * B.data[k * B.cols + j];
    }
    out.set(row, i * B.cols);
  }
  return matrix(A.rows, B.cols, out);
}

/** y = W·x. */
export function matVec(W: Matrix, x: Float32Array): Float32Array {
  if (W.cols !== x.length) throw new Error(`matVec: ${W.rows}×${W.cols} · ${x.length}`);
  const y = new Float32Array(W.rows);
  for (let i = 0; i < W.rows; i++) {
    let sum = 0;
    for (let j = 0; j < W.cols; j++) sum += W.data[i * W.cols + j] * x[j];
    y[i] = sum;
  }
  return y;
}

function checkAdapter(q: GroupwiseQuantized, A: Matrix, B: Matrix): void {
  const groups = groupCount(q);
  if (A.cols !== groups || B.rows !== q.rows || B.cols !== A.rows) {
    throw new Error(`QA-LoRA adapter must be B ${q.rows}×r, A r×${groups}; got B ${B.rows}×${B.cols}, A ${A.rows}×${A.cols}`);
  }
}

function poolingFactor(groupSize: number, pooling: GroupPooling): number {
  return pooling === 'average' ? 1 / groupSize : 1;
}

/** Unmerged QA-LoRA forward: W̃x + s·B·A·pool(x). */
export function qaLoraForward(q: GroupwiseQuantized, A: Matrix, B: Matrix, scale: number, x: Float32Array, pooling: GroupPooling = 'average'): Float32Array {
  checkAdapter(q, A, B);
  const y = matVec(dequantizeGroupwise(q), x);
  const ax = matVec(A, poolGroups(x, q.groupSize, pooling));
  const bax = matVec(B, ax);
  for (let i = 0; i < y.length; i++) y[i] += scale * bax[i];
  return y;
}

/**
 * Folds the adapter into the zero points: β'[i, l] = β[i, l] + s·(BA)[i, l]·(1/g or 1).
 * The result shares `codes` and `scale` with `q` (they do not change).
 */
export function mergeQaLora(q: GroupwiseQuantized, A: Matrix, B: Matrix, scale: number, pooling: GroupPooling = 'average'): GroupwiseQuantized {
  checkAdapter(q, A, B);
  const ba = matMul(B, A).data; // rows × L, same layout as β
  const factor = scale * poolingFactor(q.groupSize, pooling);
  const offset = new Float32Array(q.offset.length);
  for (let k = 0; k < offset.length; k++) offset[k] = q.offset[k] + factor * ba[k];
  return { ...q, offset };
}

export interface GridCheck {
  readonly onGrid: boolean;
  /** Largest |(w − β)/α − nearest integer|, in units of the step α. */
  readonly maxDeviation: number;
  /** Number of weights off the grid (deviation above tolerance or integer outside [0, 2^bits − 1]). */
  readonly offGrid: number;
}

/**
 * Whether every weight of a dense W equals α·(integer in [0, 2^bits − 1]) + β with the given
 * group parameters, up to `tolerance` steps (float32 rounding of a merge is ~1e-6 steps).
 */
export function checkOnGrid(W: Matrix, grid: Pick<GroupwiseQuantized, 'groupSize' | 'bits' | 'scale' | 'offset'>, tolerance = 1e-3): GridCheck {
  checkGroups(W.cols, grid.groupSize);
  const groups = W.cols / grid.groupSize;
  const qmax = 2 ** grid.bits - 1;
  let maxDeviation = 0;
  let offGrid = 0;
  for (let i = 0; i < W.rows; i++) {
    for (let j = 0; j < W.cols; j++) {
      const k = i * groups + Math.floor(j / grid.groupSize);
      const alpha = grid.scale[k];
      const w = W.data[i * W.cols + j];
      let deviation: number;
      let integer = 0;
      if (alpha === 0) {
        deviation = Math.abs(w - grid.offset[k]) <= 1e-6 * Math.max(1, Math.abs(w)) ? 0 : Infinity;
      } else {
        const t = (w - grid.offset[k]) / alpha;
        integer = Math.round(t);
        deviation = Math.abs(t - integer);
      }
      maxDeviation = Math.max(maxDeviation, deviation);
      if (deviation > tolerance || integer < 0 || integer > qmax) offGrid++;
    }
  }
  return { onGrid: offGrid === 0, maxDeviation, offGrid };
}

/** Dense equivalent of the pooled adapter: ΔW[i, j] = s·(BA)[i, ⌊j/g⌋]·(1/g or 1). */
export function pooledAdapterWeight(A: Matrix, B: Matrix, scale: number, groupSize: number, pooling: GroupPooling = 'average'): Matrix {
  const ba = matMul(B, A);
  const cols = ba.cols * groupSize;
  const factor = scale * poolingFactor(groupSize, pooling);
  const out = new Float32Array(ba.rows * cols);
  for (let i = 0; i < ba.rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = factor * ba.data[i * ba.cols + Math.floor(j / groupSize)];
  }
  return matrix(ba.rows, cols, out);
}

export interface RequantizedMerge {
  /** deq(Q) + s·BA, the merged weights a QLoRA user actually wants. */
  readonly exact: Matrix;
  /** The same weights re-quantized group-wise to INT4 with fresh α, β. */
  readonly requantized: GroupwiseQuantized;
  readonly dequantized: Matrix;
  /** Error of the re-quantized weights against `exact`. */
  readonly error: ErrorReport;
}

/**
 * The contrast case: a full LoRA (A ∈ R^{r×d_in}) merged into the dequantized weights leaves
 * the grid, so keeping a 4-bit model means quantizing again and losing part of the adapter.
 */
export function mergeLoraAndRequantize(q: GroupwiseQuantized, A: Matrix, B: Matrix, scale: number): RequantizedMerge {
  if (A.cols !== q.cols || B.rows !== q.rows || B.cols !== A.rows) {
    throw new Error(`LoRA adapter must be B ${q.rows}×r, A r×${q.cols}; got B ${B.rows}×${B.cols}, A ${A.rows}×${A.cols}`);
  }
  const base = dequantizeGroupwise(q).data;
  const delta = matMul(B, A).data;
  const merged = new Float32Array(base.length);
  for (let k = 0; k < merged.length; k++) merged[k] = base[k] + scale * delta[k];
  const exact = matrix(q.rows, q.cols, merged);
  const requantized = quantizeGroupwise(exact, q.groupSize, q.bits);
  const dequantized = dequantizeGroupwise(requantized);
  return { exact, requantized, dequantized, error: errorReport(merged, dequantized.data) };
}

// ---- group sizes: QA-LoRA cuts each row of W₀ into groups of g consecutive inputs, so g must divide k ----

/** The largest divisor of n that is at most `target` (1 if there is none above 1). */
export function largestDivisorAtMost(n: number, target: number): number {
  for (let g = Math.min(n, Math.floor(target)); g > 1; g--) if (n % g === 0) return g;
  return 1;
}

/**
 * A group size for each layer. Our inputs are 784 = 2⁴·7², 1000 = 2³·5³ and 2000 = 2⁴·5³, whose
 * only common divisors are 1, 2, 4 and 8, so each layer takes the largest divisor of its own k
 * that does not exceed the target.
 */
export function groupSizesFor(sizes: readonly number[], target: number): number[] {
  return sizes.slice(0, -1).map((k) => largestDivisorAtMost(k, target));
}
