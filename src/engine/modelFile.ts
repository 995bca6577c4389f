/**
 * The foundation model as the site ships it: the byte layout is src/core/modelFile.ts (no tfjs);
 * here it is loaded onto the current backend.
 */
import { unpackBaseModel, type BaseModelMeta } from '../core/modelFile';
import { Mlp } from './mlp';

export { packBaseModel, unpackBaseModel, type BaseModelMeta } from '../core/modelFile';

/** Loads the shipped base model onto the current backend. */
export function loadBaseModel(bytes: Uint8Array): { model: Mlp; meta: BaseModelMeta } {
  const { weights, meta, fingerprint } = unpackBaseModel(bytes);
  return { model: Mlp.fromWeights(weights, fingerprint), meta };
}
