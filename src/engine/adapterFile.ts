/**
 * Adapters as files: only A and B (and how to scale them), a few kilobytes
 * next to the base model's megabytes — the LoRA paper's "35 MB instead of
 * 350 GB" at our scale. A file names the base it was trained on, and a file
 * for another base, or one that is damaged, is refused with a reason.
 */
import { packBinFile, unpackBinFile } from '../core/binfile';
import { LoraAdapter, type LoraScaling } from './lora';
import type { BaseModel } from './mlp';

const MAGIC = 'LLAD';
const FORMAT = 'lora-live-adapter';
/** The largest α any cell of the site trains with (/alpha-r/ goes up to 2¹⁶); a file asking for more is not one of ours. */
export const MAX_FILE_ALPHA = 65_536;

export class AdapterFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterFileError';
  }
}

interface AdapterMeta {
  format: string;
  version: number;
  base: { sizes: number[]; fingerprint: string };
  layers: { layer: number; rank: number; alpha: number; scaling: LoraScaling }[];
  info?: Record<string, unknown>;
}

export function serializeAdapters(base: BaseModel, adapters: (LoraAdapter | null)[], info: Record<string, unknown> = {}): Uint8Array {
  const present = adapters.filter((a): a is LoraAdapter => !!a);
  if (!present.length) throw new AdapterFileError('There is no adapter to save.');
  const meta: AdapterMeta = {
    format: FORMAT,
    version: 1,
    base: { sizes: [...base.sizes], fingerprint: base.fingerprint },
    layers: present.map((a) => ({ layer: a.layer, rank: a.rank, alpha: a.alpha, scaling: a.scaling })),
    info,
  };
  return packBinFile(
    MAGIC,
    meta,
    present.flatMap((a) => [
      { name: `A${a.layer}`, dtype: 'float32' as const, data: a.At.dataSync() as Float32Array },
      { name: `B${a.layer}`, dtype: 'float32' as const, data: a.Bt.dataSync() as Float32Array },
    ]),
  );
}

/** Reads an adapter file for `base`; throws AdapterFileError with a reader-facing reason. */
export function parseAdapters(bytes: Uint8Array, base: BaseModel): { adapters: (LoraAdapter | null)[]; info: Record<string, unknown> } {
  let parsed: ReturnType<typeof unpackBinFile<AdapterMeta>>;
  try {
    parsed = unpackBinFile<AdapterMeta>(MAGIC, bytes, 'adapter file');
  } catch (e) {
    throw new AdapterFileError((e as Error).message);
  }
  const { meta, arrays } = parsed;
  if (meta?.format !== FORMAT || meta.version !== 1) throw new AdapterFileError('This is not a version-1 LoRA, live adapter file.');
  if (!Array.isArray(meta.base?.sizes) || meta.base.sizes.join() !== base.sizes.join()) {
    throw new AdapterFileError(`This adapter is for a ${meta.base?.sizes?.join('→')} network; this page's base is ${base.sizes.join('→')}.`);
  }
  if (meta.base.fingerprint !== base.fingerprint) {
    throw new AdapterFileError(`This adapter was trained on a different base model (${meta.base.fingerprint}; this page's base is ${base.fingerprint}).`);
  }
  const adapters: (LoraAdapter | null)[] = base.sizes.slice(1).map(() => null);
  // The whole header is checked, not only what is used: every layer it lists once, with a rank and α
  // a LoRA adapter can have, and no numbers in the file that the header does not account for.
  if (!Array.isArray(meta.layers) || !meta.layers.length) throw new AdapterFileError('The file’s header lists no adapter layers.');
  const listed = new Set<number>();
  for (const l of meta.layers) {
    if (!Number.isInteger(l?.layer) || l.layer < 0 || l.layer >= adapters.length) throw new AdapterFileError(`The file names a layer ${Number(l?.layer) + 1} that the base does not have.`);
    if (listed.has(l.layer)) throw new AdapterFileError(`The file’s header lists layer ${l.layer + 1} twice.`);
    listed.add(l.layer);
    const maxRank = Math.min(base.sizes[l.layer], base.sizes[l.layer + 1]);
    if (!Number.isInteger(l.rank) || l.rank < 1 || l.rank > maxRank) throw new AdapterFileError(`Layer ${l.layer + 1}: rank ${l.rank} is not a whole number from 1 to ${maxRank} (the layer is ${base.sizes[l.layer + 1]}×${base.sizes[l.layer]}).`);
    if (typeof l.alpha !== 'number' || !Number.isFinite(l.alpha) || l.alpha <= 0 || l.alpha > MAX_FILE_ALPHA) {
      throw new AdapterFileError(`Layer ${l.layer + 1}: α = ${l.alpha} is outside the range this site trains with (above 0, at most ${MAX_FILE_ALPHA.toLocaleString('en-US')}).`);
    }
  }
  const extra = Object.keys(arrays).filter((name) => !/^[AB]\d+$/.test(name) || !listed.has(Number(name.slice(1))));
  if (extra.length) {
    throw new AdapterFileError(`The file holds ${extra.join(', ')}, which its header does not list (it lists layer${listed.size === 1 ? '' : 's'} ${[...listed].map((l) => l + 1).join(', ')}).`);
  }
  try {
    for (const l of meta.layers) {
      const [dIn, dOut] = [base.sizes[l.layer], base.sizes[l.layer + 1]];
      const A = arrays[`A${l.layer}`];
      const B = arrays[`B${l.layer}`];
      if (!(A instanceof Float32Array) || !(B instanceof Float32Array) || A.length !== dIn * l.rank || B.length !== l.rank * dOut) {
        throw new AdapterFileError(`Layer ${l.layer + 1}: A and B do not have the shapes of a rank-${l.rank} adapter on a ${dOut}×${dIn} layer.`);
      }
      if (!A.every(Number.isFinite) || !B.every(Number.isFinite)) throw new AdapterFileError(`Layer ${l.layer + 1}: the file holds values that are not finite numbers.`);
      if (l.scaling !== 'alpha/r' && l.scaling !== 'alpha/sqrt(r)') throw new AdapterFileError(`Layer ${l.layer + 1}: unknown scaling "${l.scaling}".`);
      adapters[l.layer]?.dispose();
      adapters[l.layer] = new LoraAdapter(l.layer, dIn, dOut, { rank: l.rank, alpha: l.alpha, scaling: l.scaling }, A, B);
    }
  } catch (e) {
    adapters.forEach((a) => a?.dispose());
    throw e instanceof AdapterFileError ? e : new AdapterFileError(`The adapter file is invalid: ${(e as Error).message}`);
  }
  if (!adapters.some(Boolean)) throw new AdapterFileError('The file holds no adapter.');
  return { adapters, info: meta.info ?? {} };
}
