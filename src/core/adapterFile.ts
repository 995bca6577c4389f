/**
 * The adapter file's byte layout, without tfjs: only A and B (and how to scale them), a few
 * kilobytes next to the base model's megabytes — the LoRA paper's "35 MB instead of 350 GB" at our
 * scale. A file names the base it was trained on, and a file for another base, or one that is
 * damaged, is refused with a reason (AdapterFileError). src/engine/adapterFile.ts turns the arrays
 * into tensors and back.
 */
import { packBinFile, unpackBinFile } from './binfile';
import type { LoraScaling } from './lora';

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

/** The base an adapter file belongs to: its layer sizes and its fingerprint. */
export interface AdapterFileBase {
  readonly sizes: readonly number[];
  readonly fingerprint: string;
}

/** One layer's adapter as plain arrays: At = Aᵀ (dIn×rank) and Bt = Bᵀ (rank×dOut), row-major, as the engine stores them. */
export interface AdapterArrays {
  layer: number;
  rank: number;
  alpha: number;
  scaling: LoraScaling;
  At: Float32Array;
  Bt: Float32Array;
}

interface AdapterMeta {
  format: string;
  version: number;
  base: { sizes: number[]; fingerprint: string };
  layers: { layer: number; rank: number; alpha: number; scaling: LoraScaling }[];
  info?: Record<string, unknown>;
}

export function packAdapterFile(base: AdapterFileBase, layers: AdapterArrays[], info: Record<string, unknown> = {}): Uint8Array {
  if (!layers.length) throw new AdapterFileError('There is no adapter to save.');
  const meta: AdapterMeta = {
    format: FORMAT,
    version: 1,
    base: { sizes: [...base.sizes], fingerprint: base.fingerprint },
    layers: layers.map((a) => ({ layer: a.layer, rank: a.rank, alpha: a.alpha, scaling: a.scaling })),
    info,
  };
  return packBinFile(
    MAGIC,
    meta,
    layers.flatMap((a) => [
      { name: `A${a.layer}`, dtype: 'float32' as const, data: a.At },
      { name: `B${a.layer}`, dtype: 'float32' as const, data: a.Bt },
    ]),
  );
}

/** Reads and checks an adapter file for `base`; throws AdapterFileError with a reader-facing reason. */
export function unpackAdapterFile(bytes: Uint8Array, base: AdapterFileBase): { layers: AdapterArrays[]; info: Record<string, unknown> } {
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
  const layerCount = base.sizes.length - 1;
  // The whole header is checked, not only what is used: every layer it lists once, with a rank and α
  // a LoRA adapter can have, and no numbers in the file that the header does not account for.
  if (!Array.isArray(meta.layers) || !meta.layers.length) throw new AdapterFileError('The file’s header lists no adapter layers.');
  const listed = new Set<number>();
  for (const l of meta.layers) {
    if (!Number.isInteger(l?.layer) || l.layer < 0 || l.layer >= layerCount) throw new AdapterFileError(`The file names a layer ${Number(l?.layer) + 1} that the base does not have.`);
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
  const layers = meta.layers.map((l): AdapterArrays => {
    const [dIn, dOut] = [base.sizes[l.layer], base.sizes[l.layer + 1]];
    const At = arrays[`A${l.layer}`];
    const Bt = arrays[`B${l.layer}`];
    if (!(At instanceof Float32Array) || !(Bt instanceof Float32Array) || At.length !== dIn * l.rank || Bt.length !== l.rank * dOut) {
      throw new AdapterFileError(`Layer ${l.layer + 1}: A and B do not have the shapes of a rank-${l.rank} adapter on a ${dOut}×${dIn} layer.`);
    }
    if (!At.every(Number.isFinite) || !Bt.every(Number.isFinite)) throw new AdapterFileError(`Layer ${l.layer + 1}: the file holds values that are not finite numbers.`);
    if (l.scaling !== 'alpha/r' && l.scaling !== 'alpha/sqrt(r)') throw new AdapterFileError(`Layer ${l.layer + 1}: unknown scaling "${l.scaling}".`);
    return { layer: l.layer, rank: l.rank, alpha: l.alpha, scaling: l.scaling, At, Bt };
  });
  return { layers, info: meta.info ?? {} };
}
