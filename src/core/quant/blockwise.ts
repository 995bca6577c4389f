/**
 * Block-wise absmax quantization (Dettmers et al. 2022; QLoRA §2): the flattened tensor is cut
 * into blocks of `blockSize` values (the last may be shorter); each block keeps its absolute
 * maximum as an fp32 constant and stores every value as the index of the nearest level of the
 * data type after dividing by that constant. Small blocks confine the damage of an outlier.
 */
import type { QuantDataType } from './dtypes';

export interface BlockwiseQuantized {
  readonly dtype: QuantDataType;
  readonly blockSize: number;
  /** Number of quantized values n. */
  readonly length: number;
  /** One level index per value (unpacked; see pack.ts for two 4-bit codes per byte). */
  readonly codes: Uint8Array;
  /** fp32 absmax of each block, ceil(n / blockSize) entries. */
  readonly absmax: Float32Array;
}

/** Decision thresholds halfway between adjacent levels. */
export function levelMidpoints(levels: Float32Array): Float64Array {
  const mids = new Float64Array(levels.length - 1);
  for (let i = 0; i < mids.length; i++) mids[i] = (levels[i] + levels[i + 1]) / 2;
  return mids;
}

/** Index of the nearest level: the number of midpoints strictly below v (ties round down). */
export function nearestLevelIndex(v: number, midpoints: Float64Array): number {
  let lo = 0;
  let hi = midpoints.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v > midpoints[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Throws on NaN/±Infinity: absmax scaling has no meaningful answer for them. */
export function assertFinite(x: ArrayLike<number>, what = 'input'): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`Cannot quantize ${what}: element ${i} is ${x[i]}`);
  }
}

export function blockCount(length: number, blockSize: number): number {
  return Math.ceil(length / blockSize);
}

function checkBlockSize(blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
}

export function quantizeBlockwise(x: Float32Array, dtype: QuantDataType, blockSize = 64): BlockwiseQuantized {
  checkBlockSize(blockSize);
  assertFinite(x);
  const n = x.length;
  const blocks = blockCount(n, blockSize);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(blocks);
  const midpoints = levelMidpoints(dtype.levels);
  const last = dtype.levels.length - 1;
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(start + blockSize, n);
    let m = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(x[i]);
      if (a > m) m = a;
    }
    absmax[b] = m;
    if (m === 0) {
      // All-zero block: store the level nearest 0 so it dequantizes to 0·0 = 0, not NaN.
      const zero = nearestLevelIndex(0, midpoints);
      codes.fill(zero, start, end);
      continue;
    }
    const inverse = 1 / m;
    for (let i = start; i < end; i++) {
      let v = x[i] * inverse;
      if (v > 1) v = 1; // guard rounding of x·(1/m) just past ±1, as bitsandbytes clamps
      else if (v < -1) v = -1;
      const code = nearestLevelIndex(v, midpoints);
      codes[i] = code > last ? last : code;
    }
  }
  return { dtype, blockSize, length: n, codes, absmax };
}

/**
 * level[code] · absmax per value. Pass `absmax` to dequantize with other constants
 * (e.g. the approximate ones recovered from double quantization).
 */
export function dequantizeBlockwise(q: BlockwiseQuantized, absmax: Float32Array = q.absmax, out: Float32Array = new Float32Array(q.length)): Float32Array {
  const { codes, blockSize, length } = q;
  const levels = q.dtype.levels;
  if (absmax.length !== blockCount(length, blockSize)) throw new Error('dequantizeBlockwise: wrong number of block constants');
  for (let b = 0, start = 0; start < length; b++, start += blockSize) {
    const m = absmax[b];
    const end = Math.min(start + blockSize, length);
    for (let i = start; i < end; i++) out[i] = levels[codes[i]] * m;
  }
  return out;
}
