/**
 * The foundation model's byte layout, without tfjs: weights in fp16 (half the bytes of fp32; the
 * accuracy the site states is measured on these rounded weights). src/engine/modelFile.ts loads the
 * arrays onto the backend.
 */
import { fingerprintBytes, fromFloat16, packBinFile, toFloat16, unpackBinFile } from './binfile';

const MAGIC = 'LLBM';

/** One dense layer's weights as plain arrays: kernel is W₀ᵀ (k×d, row-major). */
export interface DenseWeights {
  dIn: number;
  dOut: number;
  kernel: Float32Array;
  bias: Float32Array;
}

export interface BaseModelMeta {
  sizes: number[];
  /** Test accuracy of these exact (fp16) weights on the full 10,000-image MNIST test set. */
  testAccuracy: number;
  perDigitAccuracy: number[];
  trainedOn: string;
  command: string;
  seed: number;
  [key: string]: unknown;
}

export function packBaseModel(weights: DenseWeights[], meta: BaseModelMeta): Uint8Array {
  return packBinFile(
    MAGIC,
    meta,
    weights.flatMap((w, i) => [
      { name: `kernel${i}`, dtype: 'float16' as const, data: toFloat16(w.kernel) },
      { name: `bias${i}`, dtype: 'float16' as const, data: toFloat16(w.bias) },
    ]),
  );
}

export function unpackBaseModel(bytes: Uint8Array): { weights: DenseWeights[]; meta: BaseModelMeta; fingerprint: string } {
  const { meta, arrays } = unpackBinFile<BaseModelMeta>(MAGIC, bytes, 'base model');
  const weights = meta.sizes.slice(1).map((dOut, i) => {
    const kernel = arrays[`kernel${i}`];
    const bias = arrays[`bias${i}`];
    if (!(kernel instanceof Uint16Array) || !(bias instanceof Uint16Array)) throw new Error(`The base model has no layer ${i + 1}.`);
    return { dIn: meta.sizes[i], dOut, kernel: fromFloat16(kernel), bias: fromFloat16(bias) };
  });
  return { weights, meta, fingerprint: fingerprintBytes(bytes) };
}
