// Memory accounting for the QLoRA cells, by formula (pure: runs in the page and in tests).
// A 4-bit base (codes + block constants + double quantization) and fp32 biases, plus fp32 LoRA
// factors, their gradients and Adam's two moments; against full fine-tuning in fp32, which keeps
// weights, gradients and both Adam moments for every parameter (16 bytes each).
import { storageBreakdown } from './doubleQuant';

export interface QuantSpec {
  bits: number;
  blockSize: number | 'tensor';
  doubleQuant: boolean;
}

export interface MemoryReport {
  /** Stored weight matrices (codes + constants), all layers. */
  baseWeights: number;
  /** fp32 biases (kept in full precision, frozen). */
  baseBiases: number;
  adapterParams: number;
  adapters: number;
  adapterGradients: number;
  adam: number;
  qloraTotal: number;
  /** Full fine-tuning in fp32: weights + gradients + two Adam moments, 4 bytes each. */
  fullParams: number;
  fullWeights: number;
  fullGradients: number;
  fullAdam: number;
  fullTotal: number;
}

/** Bytes of the quantized weight matrices of a network with layer sizes `sizes`. */
export function quantizedWeightBytes(sizes: readonly number[], spec: QuantSpec): number {
  let bytes = 0;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const n = sizes[i] * sizes[i + 1];
    bytes += storageBreakdown(n, { bits: spec.bits, blockSize: spec.blockSize === 'tensor' ? n : spec.blockSize, doubleQuant: spec.doubleQuant }).totalBytes;
  }
  return bytes;
}

export function biasCount(sizes: readonly number[]): number {
  return sizes.slice(1).reduce((s, d) => s + d, 0);
}

export function weightCount(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < sizes.length; i++) n += sizes[i] * sizes[i + 1];
  return n;
}

/** LoRA of rank r on every layer listed (0-based): r·(d + k) each. */
export function loraParams(sizes: readonly number[], layers: readonly number[], rank: number): number {
  return layers.reduce((s, l) => s + rank * (sizes[l] + sizes[l + 1]), 0);
}

export function qloraMemory(sizes: readonly number[], layers: readonly number[], rank: number, spec: QuantSpec): MemoryReport {
  const baseWeights = quantizedWeightBytes(sizes, spec);
  const baseBiases = 4 * biasCount(sizes);
  const adapterParams = loraParams(sizes, layers, rank);
  const adapters = 4 * adapterParams;
  const fullParams = weightCount(sizes) + biasCount(sizes);
  return {
    baseWeights,
    baseBiases,
    adapterParams,
    adapters,
    adapterGradients: adapters,
    adam: 2 * adapters,
    qloraTotal: baseWeights + baseBiases + 4 * adapters,
    fullParams,
    fullWeights: 4 * fullParams,
    fullGradients: 4 * fullParams,
    fullAdam: 8 * fullParams,
    fullTotal: 16 * fullParams,
  };
}
