/**
 * A frozen base whose weight matrices are stored quantized, as QLoRA stores its base model
 * (Dettmers et al. 2023, §3): each W₀ ∈ R^{d×k} is flattened row by row (the layout of a
 * PyTorch nn.Linear weight, which is what bitsandbytes quantizes), cut into blocks, and kept
 * as one code per weight (two 4-bit codes per byte, or one byte for INT8) plus one absmax
 * constant per block, optionally double-quantized. Biases stay fp32: they are 0.1 % of the
 * parameters and QLoRA quantizes only the linear layers' weight matrices.
 *
 * `layerTensors(i)` dequantizes on the fly, for every forward pass (unpack the code, look up its
 * level, multiply by the block's absmax, in fp32; see dequantizeKernel) and hands tfjs the fp32
 * matrix. The compact codes live in plain typed arrays: tfjs has no 4-bit type, and it holds the
 * dequantized matrix only for the duration of one forward/backward pass (call layerTensors inside
 * tf.tidy, as LoraModel.forward is).
 */
import { tf, type Tensor1D, type Tensor2D } from './tf';
import type { BaseModel, DenseWeights, Mlp } from './mlp';
import {
  dequantizeBlockwise, dequantizeConstants, doubleQuantize, errorReport, packNibbles, quantizeBlockwise, storageBreakdown,
  type DoubleQuantizedConstants, type ErrorReport, type QuantDataType, type StorageBreakdown,
} from '../core/quant/index';

export { QUANT_FORMATS, QUANT_FORMAT_IDS, type QuantFormat } from '../core/quant/dtypes';
import { QUANT_FORMATS, type QuantFormat } from '../core/quant/dtypes';

export interface QuantizeOptions {
  format: QuantFormat;
  /** Values per absmax block; 'tensor' = one block for the whole matrix. QLoRA uses 64. */
  blockSize: number | 'tensor';
  /** Quantize the absmax constants too (8-bit dynamic map, blocks of 256, mean subtracted). */
  doubleQuant?: boolean;
}

/** W₀ᵀ (k×d, our kernel layout) → W₀ (d×k, row-major), the layout that gets quantized. */
export function kernelToW0(kernel: Float32Array, dIn: number, dOut: number): Float32Array {
  const w = new Float32Array(kernel.length);
  for (let j = 0; j < dIn; j++) {
    for (let i = 0; i < dOut; i++) w[i * dIn + j] = kernel[j * dOut + i];
  }
  return w;
}

/** One quantized weight matrix as it is stored. */
export interface QuantizedLayer {
  readonly dIn: number;
  readonly dOut: number;
  readonly length: number;
  readonly blockSize: number;
  readonly dtype: QuantDataType;
  /** Codes: two per byte (even index in the high nibble) for 4-bit types, one per byte for 8-bit. */
  readonly packed: Uint8Array;
  /** fp32 absmax per block, or null when double quantization replaced them. */
  readonly absmax: Float32Array | null;
  readonly dq: DoubleQuantizedConstants | null;
  /** Quantization error of this matrix against the fp32 weights it was made from. */
  readonly error: ErrorReport;
}

function resolveBlockSize(blockSize: number | 'tensor', length: number): number {
  if (blockSize === 'tensor') return length;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`The block size must be a positive integer (got ${blockSize}).`);
  return blockSize;
}

export function quantizeLayer(w: DenseWeights, options: QuantizeOptions): QuantizedLayer {
  const dtype = QUANT_FORMATS[options.format];
  if (!dtype) throw new Error(`Unknown data type ${options.format}.`);
  const w0 = kernelToW0(w.kernel, w.dIn, w.dOut);
  const blockSize = resolveBlockSize(options.blockSize, w0.length);
  const q = quantizeBlockwise(w0, dtype, blockSize);
  const dq = options.doubleQuant ? doubleQuantize(q.absmax) : null;
  const restored = dequantizeBlockwise(q, dq ? dequantizeConstants(dq) : q.absmax);
  return {
    dIn: w.dIn,
    dOut: w.dOut,
    length: w0.length,
    blockSize,
    dtype,
    packed: dtype.bits === 4 ? packNibbles(q.codes) : q.codes,
    absmax: dq ? null : q.absmax,
    dq,
    error: errorReport(w0, restored),
  };
}

/** The absmax constants the forward pass uses (recovered from double quantization where applied). */
export function layerAbsmax(layer: Pick<QuantizedLayer, 'absmax' | 'dq'>): Float32Array {
  return layer.absmax ?? dequantizeConstants(layer.dq!);
}

/** Bytes this layer's weight matrix occupies as stored (codes + constants), from the typed arrays themselves. */
export function storedBytes(layer: QuantizedLayer): number {
  const constants = layer.absmax
    ? layer.absmax.byteLength
    : layer.dq!.quantized.codes.byteLength + layer.dq!.quantized.absmax.byteLength + 4; // + the fp32 mean
  return layer.packed.byteLength + constants;
}

/**
 * Decodes a stored layer straight into our kernel layout W₀ᵀ [k, d], in fp32: unpack each code,
 * look up its level, multiply by its block's absmax (fround: one fp32 rounding, as the quant
 * engine's dequantizeBlockwise). This is a plain loop rather than tfjs ops because tfjs's WASM
 * `gather` costs about 70 ns per index (140 ms for the 2,000,000 weights of layer 2 on our 2-core
 * test machine) against about 3 ms for the loop; the result is uploaded once per forward pass.
 */
export function dequantizeKernel(layer: QuantizedLayer, out: Float32Array = new Float32Array(layer.length)): Float32Array {
  const { dIn, dOut, blockSize, packed } = layer;
  const levels = layer.dtype.levels;
  const absmax = layerAbsmax(layer);
  const four = layer.dtype.bits === 4;
  let e = 0; // index into W₀ (row-major d×k): row i = output, column j = input
  for (let i = 0; i < dOut; i++) {
    for (let j = 0; j < dIn; j++, e++) {
      const code = four ? (e & 1 ? packed[e >> 1] & 0x0f : packed[e >> 1] >> 4) : packed[e];
      out[j * dOut + i] = levels[code] * absmax[(e / blockSize) | 0];
    }
  }
  return out;
}

export interface QuantizedStorage {
  /** Weight matrices as stored: codes + constants (+ double quantization). */
  weightBytes: number;
  /** fp32 biases. */
  biasBytes: number;
  totalBytes: number;
  /** The same network entirely in fp32. */
  fp32Bytes: number;
  weightParams: number;
  biasParams: number;
  /** Storage bits per weight (codes + constants), weights only. */
  bitsPerWeight: number;
  perLayer: { layer: number; d: number; k: number; bytes: number; breakdown: StorageBreakdown }[];
}

export class QuantizedMlp implements BaseModel {
  readonly sizes: readonly number[];
  readonly fingerprint: string;
  readonly options: Required<QuantizeOptions>;
  readonly layers: readonly QuantizedLayer[];
  private readonly biases: tf.Tensor1D[];

  private constructor(sizes: readonly number[], fingerprint: string, options: Required<QuantizeOptions>, layers: QuantizedLayer[], biases: Float32Array[]) {
    this.sizes = [...sizes];
    this.fingerprint = fingerprint;
    this.options = options;
    this.layers = layers;
    this.biases = biases.map((b) => tf.tensor1d(b));
  }

  /** Quantizes plain weights (e.g. `mlp.readWeights()`); `baseFingerprint` names the fp32 model. */
  static fromWeights(weights: DenseWeights[], baseFingerprint: string, options: QuantizeOptions): QuantizedMlp {
    const opts: Required<QuantizeOptions> = { doubleQuant: false, ...options };
    const sizes = [weights[0].dIn, ...weights.map((w) => w.dOut)];
    const layers = weights.map((w) => quantizeLayer(w, opts));
    const block = opts.blockSize === 'tensor' ? 'tensor' : `b${opts.blockSize}`;
    const fingerprint = `${baseFingerprint}:${opts.format}:${block}${opts.doubleQuant ? ':dq' : ''}`;
    return new QuantizedMlp(sizes, fingerprint, opts, layers, weights.map((w) => Float32Array.from(w.bias)));
  }

  static fromMlp(mlp: Mlp, options: QuantizeOptions): QuantizedMlp {
    return QuantizedMlp.fromWeights(mlp.readWeights(), mlp.fingerprint, options);
  }

  /**
   * Dequantizes layer i for one forward pass: W₀ᵀ [k, d] in fp32 and the fp32 bias. Call inside
   * tf.tidy; the dequantized matrix is a fresh tensor that the tidy frees.
   */
  layerTensors(i: number): { kernel: Tensor2D; bias: Tensor1D } {
    const layer = this.layers[i];
    return { kernel: tf.tensor2d(dequantizeKernel(layer), [layer.dIn, layer.dOut]), bias: this.biases[i] };
  }

  /** Exact storage: bytes actually held for the quantized weights, plus fp32 biases, vs all-fp32. */
  storage(): QuantizedStorage {
    const dtype = QUANT_FORMATS[this.options.format];
    const perLayer = this.layers.map((l, i) => ({
      layer: i,
      d: l.dOut,
      k: l.dIn,
      bytes: storedBytes(l),
      breakdown: storageBreakdown(l.length, { bits: dtype.bits, blockSize: l.blockSize, doubleQuant: this.options.doubleQuant }),
    }));
    const weightBytes = perLayer.reduce((s, l) => s + l.bytes, 0);
    const weightParams = this.layers.reduce((s, l) => s + l.length, 0);
    const biasParams = this.sizes.slice(1).reduce((s, d) => s + d, 0);
    const biasBytes = 4 * biasParams;
    return {
      weightBytes,
      biasBytes,
      totalBytes: weightBytes + biasBytes,
      fp32Bytes: 4 * (weightParams + biasParams),
      weightParams,
      biasParams,
      bitsPerWeight: (8 * weightBytes) / weightParams,
      perLayer,
    };
  }

  dispose(): void {
    this.biases.forEach((b) => b.dispose());
  }
}
