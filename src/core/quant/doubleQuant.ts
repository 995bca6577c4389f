/**
 * Double quantization (QLoRA §3): the fp32 absmax constants c₂ of the first quantization are
 * themselves quantized, as bitsandbytes does with `compress_statistics=True`: subtract their
 * mean (one fp32 offset per tensor; absmax values are all positive, so centring lets a signed
 * 8-bit type use both halves), then block-wise absmax-quantize them with block size 256 and
 * bitsandbytes' signed dynamic 8-bit map, keeping one fp32 constant c₁ per 256 constants.
 */
import { dequantizeBlockwise, quantizeBlockwise, type BlockwiseQuantized } from './blockwise';
import { DYNAMIC8, type QuantDataType } from './dtypes';

export interface DoubleQuantizedConstants {
  /** fp32 mean subtracted from the constants before quantizing them. */
  readonly offset: number;
  /** The centred constants, quantized (8-bit codes + one fp32 absmax per `blockSize` constants). */
  readonly quantized: BlockwiseQuantized;
}

export function doubleQuantize(constants: Float32Array, blockSize = 256, dtype: QuantDataType = DYNAMIC8): DoubleQuantizedConstants {
  let sum = 0;
  for (let i = 0; i < constants.length; i++) sum += constants[i];
  const offset = constants.length ? Math.fround(sum / constants.length) : 0;
  const centred = new Float32Array(constants.length);
  for (let i = 0; i < constants.length; i++) centred[i] = constants[i] - offset;
  return { offset, quantized: quantizeBlockwise(centred, dtype, blockSize) };
}

/** Recovers approximate first-level constants: dequantized centred value + offset. */
export function dequantizeConstants(dq: DoubleQuantizedConstants): Float32Array {
  const out = dequantizeBlockwise(dq.quantized);
  for (let i = 0; i < out.length; i++) out[i] += dq.offset;
  return out;
}

export interface StorageOptions {
  /** Bits per stored code (4 for NF4/FP4/INT4). */
  readonly bits?: number;
  /** First-level block size (64 in QLoRA). */
  readonly blockSize?: number;
  readonly doubleQuant?: boolean;
  /** Second-level block size (256 in QLoRA). */
  readonly blockSize2?: number;
  /** Bits of each quantized first-level constant under double quantization (8). */
  readonly constantBits?: number;
}

export interface StorageBreakdown {
  readonly parameters: number;
  readonly blocks: number;
  /** n · bits. */
  readonly codeBits: number;
  /** First-level constants: 32 bits each, or `constantBits` each with double quantization. */
  readonly constantBits: number;
  /** Second-level fp32 constants, one per `blockSize2` first-level constants (0 without DQ). */
  readonly secondLevelBits: number;
  /** The fp32 mean subtracted before double quantization (32 bits per tensor, 0 without DQ). */
  readonly offsetBits: number;
  readonly totalBits: number;
  /** Codes packed into whole bytes plus all constants. */
  readonly totalBytes: number;
  readonly bitsPerParameter: number;
  /** (constantBits + secondLevelBits) / n: QLoRA's "memory footprint of the constants". */
  readonly constantBitsPerParameter: number;
}

/**
 * Exact storage of a tensor of n parameters. Partial blocks cost a full constant. The shared
 * code tables (16 or 256 fp32 levels per data type) are not counted: they are per data type,
 * not per tensor.
 */
export function storageBreakdown(n: number, options: StorageOptions = {}): StorageBreakdown {
  const { bits = 4, blockSize = 64, doubleQuant = false, blockSize2 = 256, constantBits: dqBits = 8 } = options;
  const blocks = Math.ceil(n / blockSize);
  const codeBits = n * bits;
  const constantBits = blocks * (doubleQuant ? dqBits : 32);
  const secondLevelBits = doubleQuant ? Math.ceil(blocks / blockSize2) * 32 : 0;
  const offsetBits = doubleQuant && n > 0 ? 32 : 0;
  const totalBits = codeBits + constantBits + secondLevelBits + offsetBits;
  const totalBytes = Math.ceil(codeBits / 8) + Math.ceil(constantBits / 8) + (secondLevelBits + offsetBits) / 8;
  return {
    parameters: n,
    blocks,
    codeBits,
    constantBits,
    secondLevelBits,
    offsetBits,
    totalBits,
    totalBytes,
    bitsPerParameter: n ? totalBits / n : 0,
    constantBitsPerParameter: n ? (constantBits + secondLevelBits) / n : 0,
  };
}

/**
 * The paper's per-parameter cost of the constants for large tensors:
 * 32/B without double quantization, 8/B + 32/(B·B₂) with it (0.5 and 0.126953125 for B=64, B₂=256).
 */
export function constantBitsPerParameter(options: StorageOptions = {}): number {
  const { blockSize = 64, doubleQuant = false, blockSize2 = 256, constantBits = 8 } = options;
  return doubleQuant ? constantBits / blockSize + 32 / (blockSize * blockSize2) : 32 / blockSize;
}
