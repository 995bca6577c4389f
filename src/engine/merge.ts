/**
 * Merging: W = W₀ + s·BA is computed once and written into the base, so a
 * merged model costs exactly what the base costs at inference. Unmerging
 * subtracts the same product again (exact up to float rounding, ~1e-7).
 */
import { tf } from './tf';
import type { LoraAdapter, LoraModel } from './lora';
import { Mlp } from './mlp';

function requireMlp(model: LoraModel): Mlp {
  if (!(model.base instanceof Mlp)) throw new Error('Only a full-precision base can hold merged weights.');
  return model.base;
}

function addDelta(base: Mlp, adapter: LoraAdapter, sign: 1 | -1): void {
  const kernel = base.layers[adapter.layer].kernel;
  tf.tidy(() => kernel.assign(tf.add(kernel, tf.mul(adapter.deltaKernel(), sign))));
}

/** Folds every enabled adapter into the base weights; the adapters stay, marked merged. */
export function mergeAdapters(model: LoraModel): void {
  const base = requireMlp(model);
  for (const a of model.adapters) {
    if (a && a.enabled && !a.merged) {
      addDelta(base, a, 1);
      a.merged = true;
    }
  }
}

/** Takes merged adapters back out of the base weights. */
export function unmergeAdapters(model: LoraModel): void {
  const base = requireMlp(model);
  for (const a of model.adapters) {
    if (a?.merged) {
      addDelta(base, a, -1);
      a.merged = false;
    }
  }
}
