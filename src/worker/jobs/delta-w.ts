/**
 * /delta-w/: what the update ΔW = s·B·A of a trained LoRA run looks like, and what
 * merging it costs. Training itself is `lora.train` with the same session; these
 * jobs read that session's run.
 */
import { LoraModel, mergeAdapters, readAsync, readScalar, tf, unmergeAdapters, yieldToEventLoop, type LoraAdapter } from '../../engine/index';
import type { Tensor2D } from '../../engine/tf';
import { factoredSingularValues, numericalRank, rankTolerance } from '../../core/eigen';
import type { JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import { getRun } from './lora';
import type { AnalyseParams, DeltaAnalysis, MergeParams, MergeResult } from '../../api/delta-w';
import { median, quantile } from '../../core/stats';

const MAX_SIDE = 80;
const pick = (n: number) => Array.from({ length: Math.min(n, MAX_SIDE) }, (_, i) => Math.floor((i * n) / Math.min(n, MAX_SIDE)));

/** Entries [rows × cols] of a kernel stored k×d (input-major), read in the paper's d×k orientation. */
function sample(kernel: Float32Array, d: number, rows: number[], cols: number[]): Float32Array {
  const out = new Float32Array(rows.length * cols.length);
  rows.forEach((i, a) => cols.forEach((j, b) => (out[a * cols.length + b] = kernel[j * d + i])));
  return out;
}

function adapterOf(ctx: JobContext, layer: number): LoraAdapter | null {
  const run = getRun(ctx);
  return run && run.params.mode === 'lora' ? run.model.adapters[layer] ?? null : null;
}


export const jobs = {
  async analyse(p: AnalyseParams, ctx: JobContext<JobEvent<'delta-w.analyse'>>): Promise<DeltaAnalysis> {
    const { model: base } = await ctx.resources.baseModel();
    if (!Number.isInteger(p.layer) || p.layer < 0 || p.layer >= base.sizes.length - 1) throw new Error(`There is no layer ${p.layer + 1}.`);
    const k = base.sizes[p.layer];
    const d = base.sizes[p.layer + 1];
    const rows = pick(d);
    const cols = pick(k);
    const w0 = (await base.layers[p.layer].kernel.data()) as Float32Array;
    const w0Frobenius = await readScalar(() => tf.norm(base.layers[p.layer].kernel));
    const a = adapterOf(ctx, p.layer);
    const run = getRun(ctx);
    if (!a || !run) {
      // No training yet: B = 0, so ΔW = 0 whatever A is.
      return {
        step: 0, layer: p.layer, d, k, rank: p.rank, scale: 0, sigma: new Array(Math.min(p.rank, d, k)).fill(0),
        tolerance: 0, numericalRank: 0, frobenius: 0, frobeniusFromSigma: 0, w0Frobenius,
        heat: { rows, cols, w0: sample(w0, d, rows, cols), dw: new Float32Array(rows.length * cols.length) },
      };
    }
    // One s·ΔWᵀ (k×d) for the heat map and its norm, so both come from the same state of the adapter.
    const delta = a.deltaKernel();
    const [dk, frob] = await Promise.all([readAsync(() => tf.clone(delta)), readScalar(() => tf.norm(delta))]).finally(() => delta.dispose());
    const at = (await a.At.data()) as Float32Array; // Aᵀ: k×r
    const b = await readAsync(() => tf.transpose(a.Bt)); // B: d×r
    const r = a.rank;
    const sigma = r <= Math.min(d, k) ? Array.from(factoredSingularValues(b, d, at, k, r, a.scale)) : [];
    const tolerance = rankTolerance(sigma, d, k);
    return {
      step: run.trainer.step, layer: p.layer, d, k, rank: r, scale: a.scale, sigma, tolerance,
      numericalRank: numericalRank(sigma, tolerance),
      frobenius: frob, frobeniusFromSigma: Math.sqrt(sigma.reduce((s, x) => s + x * x, 0)), w0Frobenius,
      heat: { rows, cols, w0: sample(w0, d, rows, cols), dw: sample(dk, d, rows, cols) },
    };
  },

  /**
   * Merges the session's adapters into a COPY of the base and compares with the
   * unmerged model on test digits: largest difference of the logits, and the median
   * time of a forward pass each way.
   */
  async merge(p: MergeParams, ctx: JobContext<JobEvent<'delta-w.merge'>>): Promise<MergeResult> {
    const run = getRun(ctx);
    if (!run || run.params.mode !== 'lora') throw new Error('Train the adapter first: there is nothing to merge yet.');
    const { model: base } = await ctx.resources.baseModel();
    const test = await ctx.resources.taskData(run.params.task, 'test');
    const batch = Math.max(1, Math.min(test.n, Math.round(p.batch)));
    const samples = Math.max(3, Math.min(100, Math.round(p.samples)));
    const x = tf.slice(test.x, [0, 0], [batch, -1]) as Tensor2D;
    const copy = await base.clone();
    const merged = new LoraModel(copy, run.model.adapters);
    const plainCopy = new LoraModel(copy);
    // Each forward pass is read back (asynchronously), so its time is the time to a result.
    const timeIt = async (f: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await f();
      const out: number[] = [];
      for (let s = 0; s < samples; s++) {
        const t = performance.now();
        for (let i = 0; i < 5; i++) await f();
        out.push((performance.now() - t) / 5);
        if (s % 10 === 9) {
          await yieldToEventLoop();
          await ctx.checkpoint();
        }
      }
      // The middle half of the samples too: two medians mean little without their spread.
      return { median: median(out), q1: quantile(out, 0.25), q3: quantile(out, 0.75) };
    };
    try {
      const unmergedOut = await readAsync(() => run.model.forward(x));
      const unmerged = await timeIt(() => readAsync(() => run.model.forward(x)));
      mergeAdapters(merged); // W = W₀ + s·BA, once, into the copy
      let mergedOut: Float32Array;
      let mergedT: { median: number; q1: number; q3: number };
      try {
        mergedOut = await readAsync(() => plainCopy.forward(x));
        mergedT = await timeIt(() => readAsync(() => plainCopy.forward(x)));
      } finally {
        unmergeAdapters(merged); // the adapters are shared with the session's run: mark them unmerged again
      }
      let maxAbsDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < unmergedOut.length; i++) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(unmergedOut[i] - mergedOut[i]));
        maxAbs = Math.max(maxAbs, Math.abs(unmergedOut[i]));
      }
      return {
        batch, samples, maxAbsDiff, maxAbs, unmergedMs: unmerged.median, mergedMs: mergedT.median,
        unmergedQuartiles: [unmerged.q1, unmerged.q3], mergedQuartiles: [mergedT.q1, mergedT.q3], backend: tf.getBackend(),
      };
    } finally {
      x.dispose();
      copy.dispose();
    }
  },
};
