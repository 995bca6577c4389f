/**
 * Jobs for the /merge-and-switch/ chapter: merging an adapter into a copy of
 * the base and timing inference; training one adapter per task and swapping
 * them into the same frozen base; saving and loading adapters as files.
 * The shared base is only read: merging happens on a clone.
 */
import {
  LoraAdapter, LoraModel, Trainer, baseForward, mergeAdapters, parseAdapters, readAsync, readScalar, serializeAdapters, tf, unmergeAdapters,
  type BaseModel, type Mlp, type Tensor2D, type TaskId,
} from '../../engine/index';
import { ALPHA, LEARNING_RATE } from '../../core/tasks';
import { type JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import type { Resources } from '../resources';
import { evaluateTask } from './lora';
import { type Timing, type MergeCheck, type SwitchEvent, type SlotSummary, type LatencyEvent, type LatencyParams, type LatencyResult, type SwitchTrainParams, type UseParams, type UseResult, type SaveParams, type SavedAdapter, type LoadParams, type LoadResult } from '../../api/merge';
import { COLUMNS, SWITCH_LAYERS, SWITCH_RANK, SWITCH_TASKS, type AdapterSlot, type Column } from '../../api/merge';
import { quantile } from '../../core/stats';

// ---- merge helpers (exported for tests) ------------------------------------------------------------

// Every read here is asynchronous: on WebGPU's software adapter a synchronous one throws (issue 15).

/** An independent copy of an adapter (its own tensors), e.g. to merge into another base. */
export async function copyAdapter(a: LoraAdapter): Promise<LoraAdapter> {
  const [At, Bt] = await Promise.all([a.At.data(), a.Bt.data()]);
  return new LoraAdapter(a.layer, a.dIn, a.dOut, { rank: a.rank, alpha: a.alpha, scaling: a.scaling }, At as Float32Array, Bt as Float32Array);
}

const copyAdapters = (adapters: (LoraAdapter | null)[]) => Promise.all(adapters.map((a) => (a ? copyAdapter(a) : null)));

/** max |a − b| over all entries of two tensors, or of two forward passes made inside (and freed). */
const maxAbsDiff = (a: () => tf.Tensor, b: () => tf.Tensor) => readScalar(() => tf.max(tf.abs(tf.sub(a(), b()))));

/**
 * For a model whose adapters are merged into `clone` (a copy of `base`):
 * compares its outputs with the unmerged LoRA forward pass `unmerged` on the
 * shared base, unmerges, and compares the clone with the base again.
 */
async function checkAndUnmerge(base: BaseModel, clone: Mlp, merged: LoraModel, unmerged: LoraModel, x: Tensor2D): Promise<MergeCheck> {
  const mergedVsUnmerged = await maxAbsDiff(() => merged.forward(x), () => unmerged.forward(x));
  unmergeAdapters(merged);
  let restoredWeights = 0;
  for (let i = 0; i < clone.layers.length; i++) {
    restoredWeights = Math.max(restoredWeights, await maxAbsDiff(() => clone.layers[i].kernel, () => base.layerTensors(i).kernel));
  }
  const restoredOutputs = await maxAbsDiff(() => baseForward(clone, x), () => baseForward(base, x));
  return { mergedVsUnmerged, restoredWeights, restoredOutputs };
}

/** Merges copies of `adapters` into `clone` (a copy of `base`), then checkAndUnmerge. The base is not touched. */
export async function mergeRoundTrip(base: BaseModel, clone: Mlp, adapters: (LoraAdapter | null)[], x: Tensor2D): Promise<MergeCheck> {
  const copies = await copyAdapters(adapters);
  try {
    const merged = new LoraModel(clone, copies);
    mergeAdapters(merged);
    return await checkAndUnmerge(base, clone, merged, new LoraModel(base, adapters), x);
  } finally {
    copies.forEach((a) => a?.dispose());
  }
}

/** Median and quartiles (linear interpolation between order statistics). */
export function summarize(xs: number[]): Timing {
  return { median: quantile(xs, 0.5), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75) };
}

// ---- sessions ---------------------------------------------------------------------------------------

function serialize<T>(ctx: JobContext, work: () => Promise<T>): Promise<T> {
  const prev = (ctx.session.get('queue') as Promise<unknown> | undefined) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(work);
  ctx.session.set('queue', next.catch(() => undefined));
  return next;
}

interface SlotInfo {
  adapters: (LoraAdapter | null)[];
  task: TaskId | null;
  rank: number;
  steps: number | null;
  params: number;
}

const slots = (ctx: JobContext) => {
  let m = ctx.session.get('slots') as Map<AdapterSlot, SlotInfo> | undefined;
  if (!m) ctx.session.set('slots', (m = new Map()));
  return m;
};

async function switchModel(ctx: JobContext): Promise<LoraModel> {
  let model = ctx.session.get('model') as LoraModel | undefined;
  if (!model) {
    model = new LoraModel((await ctx.resources.baseModel()).model);
    ctx.session.set('model', model);
    ctx.session.set('active', 'none');
  }
  return model;
}

function replaceSlot(ctx: JobContext, slot: AdapterSlot, info: SlotInfo): void {
  const all = slots(ctx);
  const old = all.get(slot);
  const model = ctx.session.get('model') as LoraModel | undefined;
  if (old && model && ctx.session.get('active') === slot) {
    model.swap([]);
    ctx.session.set('active', 'none');
  }
  old?.adapters.forEach((a) => a?.dispose());
  all.set(slot, info);
}

async function trainAdapters(task: TaskId, steps: number, seed: number, ctx: JobContext, onStep: (step: number, loss: number) => void) {
  if (!SWITCH_TASKS.includes(task)) throw new Error(`Unknown task "${task}".`);
  if (!Number.isInteger(steps) || steps < 1 || steps > 5000) throw new Error(`Steps must be a whole number from 1 to 5,000 (got ${steps}).`);
  const { model: base } = await ctx.resources.baseModel();
  const train = await ctx.resources.taskData(task, 'train');
  const model = LoraModel.withAdapters(base, [...SWITCH_LAYERS], { rank: SWITCH_RANK, alpha: ALPHA }, seed);
  const trainer = new Trainer(model.variables(), (x) => model.forward(x), train, { steps, learningRate: LEARNING_RATE[task], seed, reportEvery: 5 });
  await ctx.runTrainer(trainer, (p) => onStep(p.step, p.loss), { dispose: true, throwIfStopped: true, discard: () => model.disposeAdapters() });
  return model;
}

async function evaluateColumn(res: Resources, model: LoraModel, column: Column): Promise<number> {
  return (await evaluateTask(res, model, column)).score;
}

const summary = (slot: AdapterSlot, s: SlotInfo): SlotSummary => ({ slot, task: s.task, rank: s.rank, steps: s.steps, params: s.params });

export const jobs = {
  /**
   * Trains a short adapter, merges a copy into a clone of the base, times
   * inference of base / unmerged LoRA / merged, and checks the round trip.
   */
  async latency(p: LatencyParams, ctx: JobContext<JobEvent<'merge.latency'>>): Promise<LatencyResult> {
    if (!Number.isInteger(p.repeats) || p.repeats < 3 || p.repeats > 500) throw new Error(`Repeats must be a whole number from 3 to 500 (got ${p.repeats}).`);
    const key = `latency:${p.task}:${p.steps}:${p.seed}`;
    let trained = ctx.session.get(key) as LoraModel | undefined;
    if (!trained) {
      for (const [k, v] of [...ctx.session]) {
        if (!k.startsWith('latency:')) continue;
        (v as LoraModel).disposeAdapters();
        ctx.session.delete(k);
      }
      trained = await trainAdapters(p.task, p.steps, p.seed, ctx, (step, loss) => ctx.emit({ kind: 'step', step, steps: p.steps, loss } satisfies LatencyEvent));
      ctx.session.set(key, trained);
    }
    const { model: base } = await ctx.resources.baseModel();
    const clone = await base.clone();
    const copies = await copyAdapters(trained.adapters);
    const merged = new LoraModel(clone, copies);
    mergeAdapters(merged);
    const models = { base: new LoraModel(base), unmerged: trained, merged };
    const test = await ctx.resources.taskData(p.task, 'test');
    try {
      const score = { unmerged: (await evaluateTask(ctx.resources, trained, p.task)).score, merged: (await evaluateTask(ctx.resources, merged, p.task)).score };
      const timings: LatencyResult['timings'] = [];
      const batches = [1, 64];
      const total = batches.length * p.repeats;
      let done = 0;
      for (const batch of batches) {
        const x = tf.slice(test.x, [0, 0], [batch, -1]) as Tensor2D;
        try {
          // Each forward pass is read back (asynchronously), so its time is the time to a result.
          const once = (m: LoraModel) => readAsync(() => m.forward(x));
          // Warm up every path, then size a sample so it lasts ≥ 8 ms (timer resolution in browsers is ~0.1 ms).
          for (const m of Object.values(models)) for (let i = 0; i < 3; i++) await once(m);
          let inner = 1;
          for (;;) {
            const t0 = performance.now();
            for (let i = 0; i < inner; i++) await once(models.base);
            if (performance.now() - t0 >= 8 || inner >= 256) break;
            inner *= 2;
          }
          const samples = { base: [] as number[], unmerged: [] as number[], merged: [] as number[] };
          const names = Object.keys(samples) as (keyof typeof samples)[];
          for (let rep = 0; rep < p.repeats; rep++) {
            await ctx.checkpoint();
            // Rotate the order each round so no path always runs first.
            for (let j = 0; j < names.length; j++) {
              const name = names[(rep + j) % names.length];
              const t0 = performance.now();
              for (let i = 0; i < inner; i++) await once(models[name]);
              samples[name].push((performance.now() - t0) / inner);
            }
            ctx.emit({ kind: 'timing', done: ++done, total } satisfies LatencyEvent);
          }
          timings.push({ batch, base: summarize(samples.base), unmerged: summarize(samples.unmerged), merged: summarize(samples.merged), forwardsPerSample: inner });
        } finally {
          x.dispose();
        }
      }
      const x64 = tf.slice(test.x, [0, 0], [64, -1]) as Tensor2D;
      let check: MergeCheck;
      try {
        check = await checkAndUnmerge(base, clone, merged, trained, x64);
      } finally {
        x64.dispose();
      }
      return { timings, repeats: p.repeats, check, score, backend: tf.getBackend() };
    } finally {
      copies.forEach((a) => a?.dispose());
      clone.dispose();
    }
  },

  /** Trains the adapter for one task (rank 8, all layers) and keeps it in the session. */
  async train(p: SwitchTrainParams, ctx: JobContext<JobEvent<'merge.train'>>): Promise<SlotSummary> {
    const model = await trainAdapters(p.task, p.steps, p.seed, ctx, (step, loss) =>
      ctx.emit({ kind: 'step', task: p.task, step, steps: p.steps, loss } satisfies SwitchEvent));
    return serialize(ctx, async () => {
      const info: SlotInfo = { adapters: model.adapters, task: p.task, rank: SWITCH_RANK, steps: p.steps, params: model.allocatedAdapterParams() };
      replaceSlot(ctx, p.task, info);
      return summary(p.task, info);
    });
  },

  /** Swaps the slot's adapters into the shared model and evaluates every column, streaming cells. */
  async use(p: UseParams, ctx: JobContext<JobEvent<'merge.use'>>): Promise<UseResult> {
    return serialize(ctx, async () => {
      const model = await switchModel(ctx);
      const info = p.slot === 'none' ? null : slots(ctx).get(p.slot);
      if (p.slot !== 'none' && !info) throw new Error(p.slot === 'uploaded' ? 'No adapter file has been loaded yet.' : `The ${p.slot} adapter has not been trained yet.`);
      const t0 = performance.now();
      model.swap(info ? info.adapters : []);
      const swapMs = performance.now() - t0;
      ctx.session.set('active', p.slot);
      const row: Partial<Record<Column, number>> = {};
      for (const column of COLUMNS) {
        await ctx.checkpoint();
        row[column] = await evaluateColumn(ctx.resources, model, column);
        ctx.emit({ kind: 'cell', row: p.slot, column, value: row[column]! } satisfies SwitchEvent);
      }
      return { slot: p.slot, swapMs, row, numTensors: tf.memory().numTensors };
    });
  },

  /** Which adapters this session holds. */
  async list(_: { session: string }, ctx: JobContext<JobEvent<'merge.list'>>): Promise<SlotSummary[]> {
    return [...slots(ctx)].map(([slot, s]) => summary(slot, s));
  },

  /** An adapter as file bytes (A and B of each layer, float32, plus a small header). */
  async save(p: SaveParams, ctx: JobContext<JobEvent<'merge.save'>>): Promise<SavedAdapter> {
    const info = p.slot === 'none' ? undefined : slots(ctx).get(p.slot);
    if (!info) throw new Error('Train an adapter first.');
    const { model: base } = await ctx.resources.baseModel();
    const bytes = await serializeAdapters(base, info.adapters, { task: info.task, rank: info.rank, steps: info.steps });
    return { bytes, task: info.task, rank: info.rank, steps: info.steps };
  },

  /** Reads an adapter file for this page's base; a bad file throws AdapterFileError with the reason. */
  async load(p: LoadParams, ctx: JobContext<JobEvent<'merge.load'>>): Promise<LoadResult> {
    if (!(p.bytes instanceof Uint8Array)) throw new Error('No file bytes were given.');
    const { model: base } = await ctx.resources.baseModel();
    const { adapters, info } = parseAdapters(p.bytes, base);
    return serialize(ctx, async () => {
      const task = SWITCH_TASKS.includes(info.task as TaskId) ? (info.task as TaskId) : null;
      const present = adapters.filter((a): a is LoraAdapter => !!a);
      const slot: SlotInfo = {
        adapters, task, rank: Math.max(...present.map((a) => a.rank)),
        steps: typeof info.steps === 'number' ? info.steps : null,
        params: present.reduce((s, a) => s + a.paramCount, 0),
      };
      replaceSlot(ctx, 'uploaded', slot);
      return { ...summary('uploaded', slot), bytes: p.bytes.length };
    });
  },
};
