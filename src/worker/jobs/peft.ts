/**
 * Inference latency on the reader's machine (/why-peft/): the pretrained base, the
 * base with a sequential bottleneck adapter, the base with an unmerged LoRA update
 * (the parallel path x·Aᵀ·Bᵀ) and with the same update merged into a copy of W₀.
 *
 * Each sample times `repeat` forward passes (each read back, asynchronously as a GPU
 * needs, so the work is really done) and divides; variants take turns within a sample so drift in
 * the machine's speed hits them alike. We report the median sample after a warm-up.
 */
import { LoraAdapter, LoraModel, baseForward, mergeAdapters, readAsync, tf, yieldToEventLoop } from '../../engine/index';
import type { Tensor2D } from '../../engine/tf';
import { BottleneckAdapter, forwardWithBottleneck } from '../../engine/adapterLayer';
import type { JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import { VARIANTS, type Variant, type LatencyParams, type LatencyRow, type LatencyResult } from '../../api/peft';
import { median } from '../../core/stats';


export const jobs = {
  async latency(p: LatencyParams, ctx: JobContext<JobEvent<'peft.latency'>>): Promise<LatencyResult> {
    const { model: base } = await ctx.resources.baseModel();
    const test = await ctx.resources.taskData('original', 'test');
    const hidden = base.sizes.length - 2;
    if (!Number.isInteger(p.after) || p.after < 0 || p.after >= hidden) throw new Error(`Choose a hidden layer from 1 to ${hidden}.`);
    const samples = Math.max(3, Math.min(200, Math.round(p.samples)));
    const batches = p.batches.filter((b) => Number.isInteger(b) && b >= 1 && b <= test.n);
    if (!batches.length) throw new Error('Choose at least one batch size.');

    // The four models. The merged one works on a copy: the shared base stays as it is.
    const adapter = BottleneckAdapter.init(base, { after: p.after, bottleneck: p.bottleneck, init: 'random' }, p.seed);
    const k = base.sizes[p.after];
    const d = base.sizes[p.after + 1];
    const lora = LoraAdapter.init(p.after, k, d, { rank: p.bottleneck, alpha: p.bottleneck }, p.seed);
    // B = 0 would make the update vanish; give it values so the merged weights really differ.
    tf.tidy(() => lora.Bt.assign(tf.randomUniform(lora.Bt.shape, -0.01, 0.01, 'float32', p.seed)));
    const unmerged = new LoraModel(base, []);
    unmerged.adapters[p.after] = lora;
    const copy = await base.clone();
    const mergedView = new LoraModel(copy, []);
    mergedView.adapters[p.after] = lora;
    const plain = new LoraModel(base);
    const xs = new Map<number, Tensor2D>();
    try {
      const forward: Record<Variant, (x: Tensor2D) => Tensor2D> = {
        base: (x) => plain.forward(x),
        adapter: (x) => forwardWithBottleneck(base, x, adapter),
        lora: (x) => unmerged.forward(x),
        merged: (x) => baseForward(copy, x),
      };
      for (const b of batches) xs.set(b, tf.slice(test.x, [0, 0], [b, -1]) as Tensor2D);
      const run = (v: Variant, x: Tensor2D) => readAsync(() => forward[v](x));

      // Unmerged logits first (the adapter object is shared), then fold the update into the copy.
      const biggest = xs.get(Math.max(...batches))!;
      const before = await run('lora', biggest);
      mergeAdapters(mergedView); // lora.merged = true; the unmerged path needs it false again
      const after = await run('merged', biggest);
      lora.merged = false;
      let mergeMaxAbsDiff = 0;
      for (let i = 0; i < before.length; i++) mergeMaxAbsDiff = Math.max(mergeMaxAbsDiff, Math.abs(before[i] - after[i]));

      const rows: LatencyRow[] = [];
      const repeat: Record<number, number> = {};
      const total = batches.length * samples;
      let done = 0;
      for (const b of batches) {
        const x = xs.get(b)!;
        for (let w = 0; w < 3; w++) for (const v of VARIANTS) await run(v, x); // warm-up (kernels, caches)
        // Enough forwards per sample that a sample lasts ~3 ms (timer resolution is coarse in browsers).
        const t0 = performance.now();
        for (let i = 0; i < 3; i++) await run('base', x);
        const one = Math.max(1e-3, (performance.now() - t0) / 3);
        const rep = Math.max(1, Math.min(50, Math.ceil(3 / one)));
        repeat[b] = rep;
        const times: Record<Variant, number[]> = { base: [], adapter: [], lora: [], merged: [] };
        for (let s = 0; s < samples; s++) {
          const order = s % 2 ? [...VARIANTS].reverse() : VARIANTS;
          for (const v of order) {
            const t = performance.now();
            for (let i = 0; i < rep; i++) await run(v, x);
            times[v].push((performance.now() - t) / rep);
          }
          done++;
          if (done % 5 === 0 || done === total) ctx.emit({ done, total });
          await yieldToEventLoop();
          await ctx.checkpoint();
        }
        for (const v of VARIANTS) rows.push({ variant: v, batch: b, medianMs: median(times[v]), samplesMs: times[v] });
      }
      return {
        rows, repeat, mergeMaxAbsDiff, backend: tf.getBackend(),
        adapterParams: adapter.paramCount, loraParams: lora.paramCount,
      };
    } finally {
      xs.forEach((x) => x.dispose());
      adapter.dispose();
      lora.dispose();
      copy.dispose();
    }
  },
};
