/**
 * The foundation model as the site ships it: weights in fp16 (half the bytes
 * of fp32; the accuracy the site states is measured on these rounded weights).
 */
import { fingerprintBytes, fromFloat16, packBinFile, toFloat16, unpackBinFile } from '../core/binfile';
import { Mlp, type DenseWeights } from './mlp';

const MAGIC = 'LLBM';

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

/** Loads the shipped base model onto the current backend. */
export function loadBaseModel(bytes: Uint8Array): { model: Mlp; meta: BaseModelMeta } {
  const { weights, meta, fingerprint } = unpackBaseModel(bytes);
  return { model: Mlp.fromWeights(weights, fingerprint), meta };
}
