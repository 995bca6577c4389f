/**
 * Adapters as files: the byte layout and every check live in src/core/adapterFile.ts (no tfjs);
 * here the arrays become LoraAdapter tensors and back. Reads are asynchronous, as on a GPU.
 */
import { AdapterFileError, packAdapterFile, unpackAdapterFile } from '../core/adapterFile';
import { LoraAdapter } from './lora';
import type { BaseModel } from './mlp';

export { AdapterFileError, MAX_FILE_ALPHA } from '../core/adapterFile';

export async function serializeAdapters(base: BaseModel, adapters: (LoraAdapter | null)[], info: Record<string, unknown> = {}): Promise<Uint8Array> {
  const present = adapters.filter((a): a is LoraAdapter => !!a);
  const layers = await Promise.all(present.map(async (a) => {
    const [At, Bt] = await Promise.all([a.At.data(), a.Bt.data()]);
    return { layer: a.layer, rank: a.rank, alpha: a.alpha, scaling: a.scaling, At: At as Float32Array, Bt: Bt as Float32Array };
  }));
  return packAdapterFile(base, layers, info);
}

/** Reads an adapter file for `base`; throws AdapterFileError with a reader-facing reason. */
export function parseAdapters(bytes: Uint8Array, base: BaseModel): { adapters: (LoraAdapter | null)[]; info: Record<string, unknown> } {
  const { layers, info } = unpackAdapterFile(bytes, base);
  const adapters: (LoraAdapter | null)[] = base.sizes.slice(1).map(() => null);
  try {
    for (const l of layers) {
      const [dIn, dOut] = [base.sizes[l.layer], base.sizes[l.layer + 1]];
      adapters[l.layer] = new LoraAdapter(l.layer, dIn, dOut, { rank: l.rank, alpha: l.alpha, scaling: l.scaling }, l.At, l.Bt);
    }
  } catch (e) {
    adapters.forEach((a) => a?.dispose());
    throw new AdapterFileError(`The adapter file is invalid: ${(e as Error).message}`);
  }
  return { adapters, info };
}
