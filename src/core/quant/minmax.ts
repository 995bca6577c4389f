/**
 * Asymmetric (min–max) block-wise integer quantization with a scale and an integer zero point
 * per block: q = clamp(round(x / scale) + z, 0, 2^bits − 1), x̂ = (q − z) · scale.
 * The range is widened to include 0 (as PyTorch's observers do) so z lies in [0, 2^bits − 1]
 * and zero is exactly representable; then |x − x̂| ≤ scale / 2 for every x in the block.
 */
import { assertFinite, blockCount } from './blockwise';

export interface MinMaxQuantized {
  readonly bits: number;
  readonly blockSize: number;
  readonly length: number;
  /** Integer codes in [0, 2^bits − 1], one per value. */
  readonly codes: Uint8Array;
  /** fp32 step of each block: (max − min) / (2^bits − 1). */
  readonly scale: Float32Array;
  /** Integer code that represents 0 in each block. */
  readonly zeroPoint: Uint8Array;
}

export function quantizeBlockwiseMinMax(x: Float32Array, blockSize = 64, bits = 4): MinMaxQuantized {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new RangeError(`bits must be 1..8, got ${bits}`);
  assertFinite(x);
  const n = x.length;
  const qmax = 2 ** bits - 1;
  const blocks = blockCount(n, blockSize);
  const codes = new Uint8Array(n);
  const scale = new Float32Array(blocks);
  const zeroPoint = new Uint8Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(start + blockSize, n);
    let lo = 0;
    let hi = 0;
    for (let i = start; i < end; i++) {
      if (x[i] < lo) lo = x[i];
      else if (x[i] > hi) hi = x[i];
    }
    const s = Math.fround((hi - lo) / qmax);
    scale[b] = s;
    if (s === 0) continue; // all-zero block: codes 0, zero point 0, dequantizes to 0
    const z = Math.min(qmax, Math.max(0, Math.round(-lo / s)));
    zeroPoint[b] = z;
    for (let i = start; i < end; i++) {
      const q = Math.round(x[i] / s) + z;
      codes[i] = q < 0 ? 0 : q > qmax ? qmax : q;
    }
  }
  return { bits, blockSize, length: n, codes, scale, zeroPoint };
}

export function dequantizeBlockwiseMinMax(q: MinMaxQuantized, out: Float32Array = new Float32Array(q.length)): Float32Array {
  const { codes, scale, zeroPoint, blockSize, length } = q;
  for (let b = 0, start = 0; start < length; b++, start += blockSize) {
    const s = scale[b];
    const z = zeroPoint[b];
    const end = Math.min(start + blockSize, length);
    for (let i = start; i < end; i++) out[i] = (codes[i] - z) * s;
  }
  return out;
}
