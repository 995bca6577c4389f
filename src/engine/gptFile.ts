/**
 * The tiny GPT's base as the site ships it: every weight in fp16, plus a JSON
 * summary of how it was trained and the held-out loss of exactly these
 * rounded weights (scripts/pretrain-gpt.ts).
 */
import { fingerprintBytes, fromFloat16, packBinFile, toFloat16, unpackBinFile } from '../core/binfile';
import { Gpt, type GptWeights } from './gpt';
import { gptShapes, type GptMeta } from '../core/gpt';

const MAGIC = 'LLGP';

export type { GptMeta } from '../core/gpt';

export function packGpt(weights: GptWeights, meta: GptMeta): Uint8Array {
  return packBinFile(MAGIC, meta, gptShapes(meta.config).map((w) => ({ name: w.name, dtype: 'float16' as const, data: toFloat16(weights[w.name]) })));
}

export function unpackGpt(bytes: Uint8Array): { weights: GptWeights; meta: GptMeta; fingerprint: string } {
  const { meta, arrays } = unpackBinFile<GptMeta>(MAGIC, bytes, 'transformer model');
  const weights: GptWeights = {};
  for (const w of gptShapes(meta.config)) {
    const a = arrays[w.name];
    if (!(a instanceof Uint16Array)) throw new Error(`The transformer model has no weight "${w.name}".`);
    weights[w.name] = fromFloat16(a);
  }
  return { weights, meta, fingerprint: fingerprintBytes(bytes) };
}

export function loadGpt(bytes: Uint8Array): { model: Gpt; meta: GptMeta } {
  const { weights, meta, fingerprint } = unpackGpt(bytes);
  return { model: Gpt.fromWeights(meta.config, weights, fingerprint), meta };
}
