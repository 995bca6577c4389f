/**
 * Jobs for the /which-rank/ chapter: sweeps of short LoRA runs (rank, or which
 * layers at an equal budget), and the analyses of §7.2–7.3 of the LoRA paper on
 * the reader's own adapters (subspace similarity of A across ranks and seeds,
 * and ΔW against W). The shared base is only read, never modified.
 */
import { LoraModel, TASKS, Trainer, deriveSeed, mulberry32, tf, weightOperator } from '../../engine/index';
import { compareDeltaVsW, randomOrthonormal, rightSingularOfA, similarityGrid, topSingular, type TopOfW } from '../../core/analysis/index';
import { ALPHA, LEARNING_RATE } from '../../core/tasks';
import { ANALYSIS, type BaselineParams, type Baseline } from '../../api/whichrank';
import { type JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import { evaluateTask } from './lora';
import { type SweepRun, type SweepParams, type SweepEvent, type RunResult, type AnalysisParams, type AnalysisEvent, type SubspaceResult, type DeltaVsWResult } from '../../api/whichrank';

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > 5000) throw new Error(`Steps must be a whole number from 1 to 5,000 (got ${steps}).`);
}

/** Trains one fresh adapter set and evaluates it; honours pause/stop through ctx. */
async function trainRun(run: SweepRun, steps: number, seed: number, ctx: JobContext, onStep: (step: number, loss: number) => void) {
  const { model: base } = await ctx.resources.baseModel();
  const train = await ctx.resources.taskData(run.task, 'train');
  const model = LoraModel.withAdapters(base, run.layers, { rank: run.rank, alpha: ALPHA }, seed);
  const trainer = new Trainer(model.variables(), (x) => model.forward(x), train, {
    steps, learningRate: LEARNING_RATE[run.task], seed, reportEvery: 5,
  });
  const msPerStep = await ctx.runTrainer(trainer, (p) => onStep(p.step, p.loss), { dispose: true, throwIfStopped: true, discard: () => model.disposeAdapters() });
  return { model, msPerStep };
}

// ---- analysis: adapters cached per session ---------------------------------------------------------

interface StoredAdapter {
  At: Float32Array;
  Bt: Float32Array;
  rank: number;
  scale: number;
  score: number;
}

const adapterKey = (p: AnalysisParams, rank: number, seed: number) => `adapter:${p.task}:${p.layer}:${p.steps}:${rank}:${seed}`;

/** One analysis at a time per session, so two cells never train the same adapter twice. */
function serialize<T>(ctx: JobContext, work: () => Promise<T>): Promise<T> {
  const prev = (ctx.session.get('queue') as Promise<unknown> | undefined) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(work);
  ctx.session.set('queue', next.catch(() => undefined));
  return next;
}

async function ensureAdapters(p: AnalysisParams, wanted: { rank: number; seed: number }[], ctx: JobContext): Promise<StoredAdapter[]> {
  const { model: base } = await ctx.resources.baseModel();
  if (!Number.isInteger(p.layer) || p.layer < 0 || p.layer >= base.sizes.length - 2) {
    throw new Error('Choose layer 1 or 2: the 10-output layer cannot hold a rank-64 update.');
  }
  checkSteps(p.steps);
  const out: StoredAdapter[] = [];
  for (const [index, w] of wanted.entries()) {
    const key = adapterKey(p, w.rank, w.seed);
    let stored = ctx.session.get(key) as StoredAdapter | undefined;
    if (!stored) {
      await ctx.checkpoint();
      const run: SweepRun = { key, task: p.task, layers: [p.layer], rank: w.rank };
      const { model } = await trainRun(run, p.steps, w.seed, ctx, (step) =>
        ctx.emit({ kind: 'train', index, total: wanted.length, rank: w.rank, seed: w.seed, step, steps: p.steps } satisfies AnalysisEvent));
      try {
        const a = model.adapters[p.layer]!;
        const evaluation = await evaluateTask(ctx.resources, model, p.task);
        const [At, Bt] = await Promise.all([a.At.data(), a.Bt.data()]);
        stored = { At: (At as Float32Array).slice(), Bt: (Bt as Float32Array).slice(), rank: w.rank, scale: a.scale, score: evaluation.score };
      } finally {
        model.disposeAdapters();
      }
      ctx.session.set(key, stored);
    }
    out.push(stored);
  }
  return out;
}

export const jobs = {
  /** The base model's score on a task (the r = 0 point of a sweep). */
  async baseline(p: BaselineParams, ctx: JobContext<JobEvent<'whichrank.baseline'>>): Promise<Baseline> {
    if (!TASKS[p.task]) throw new Error(`Unknown task "${p.task}".`);
    const { model: base } = await ctx.resources.baseModel();
    const e = await evaluateTask(ctx.resources, new LoraModel(base), p.task);
    return { task: p.task, score: e.score, accuracy: e.accuracy };
  },

  /** Trains and evaluates each run in turn, streaming progress; stop keeps the finished results. */
  async sweep(p: SweepParams, ctx: JobContext<JobEvent<'whichrank.sweep'>>): Promise<RunResult[]> {
    checkSteps(p.steps);
    if (!Array.isArray(p.runs) || !p.runs.length) throw new Error('Choose at least one run.');
    const results: RunResult[] = [];
    const total = p.runs.length;
    for (const [index, run] of p.runs.entries()) {
      await ctx.checkpoint();
      if (!TASKS[run.task]) throw new Error(`Unknown task "${run.task}".`);
      ctx.emit({ kind: 'start', index, total, key: run.key } satisfies SweepEvent);
      const { model, msPerStep } = await trainRun(run, p.steps, p.seed, ctx, (step, loss) =>
        ctx.emit({ kind: 'step', index, total, key: run.key, step, steps: p.steps, loss } satisfies SweepEvent));
      try {
        const e = await evaluateTask(ctx.resources, model, run.task);
        const result: RunResult = {
          key: run.key, task: run.task, layers: run.layers, rank: run.rank, steps: p.steps, seed: p.seed,
          score: e.score, accuracy: e.accuracy, params: model.allocatedAdapterParams(), msPerStep,
        };
        results.push(result);
        ctx.emit({ kind: 'result', index, total, key: run.key, result } satisfies SweepEvent);
      } finally {
        model.disposeAdapters();
      }
    }
    return results;
  },

  /** φ between the right-singular subspaces of A for r = 8 vs 64 (same seed) and r = 64 vs 64 (two seeds). */
  async subspace(p: AnalysisParams, ctx: JobContext<JobEvent<'whichrank.subspace'>>): Promise<SubspaceResult> {
    return serialize(ctx, async () => {
      const { small, large } = ANALYSIS;
      const seeds = [p.seed, p.seed + 1];
      const [a8, a64, a64b] = await ensureAdapters(p, [{ rank: small, seed: seeds[0] }, { rank: large, seed: seeds[0] }, { rank: large, seed: seeds[1] }], ctx);
      const { model: base } = await ctx.resources.baseModel();
      const k = base.sizes[p.layer];
      const u8 = rightSingularOfA(a8.At, k, small).v;
      const u64 = rightSingularOfA(a64.At, k, large).v;
      const u64b = rightSingularOfA(a64b.At, k, large).v;
      const rand = mulberry32(deriveSeed(p.seed, 'random-subspaces'));
      const r1 = randomOrthonormal(k, large, rand);
      const r2 = randomOrthonormal(k, large, rand);
      return {
        k, small, large,
        ranks: Array.from(similarityGrid(u8, u64, small, large)),
        seeds: Array.from(similarityGrid(u64, u64b, large, large)),
        random: Array.from(similarityGrid(r1, r2, large, large)),
        scores: [{ rank: small, seed: seeds[0], score: a8.score }, { rank: large, seed: seeds[0], score: a64.score }, { rank: large, seed: seeds[1], score: a64b.score }],
      };
    });
  },

  /** ‖UᵀWV‖_F for ΔW's, W's own and random directions, and the amplification factor, at r = 4 and 64. */
  async deltaVsW(p: AnalysisParams, ctx: JobContext<JobEvent<'whichrank.deltaVsW'>>): Promise<DeltaVsWResult> {
    return serialize(ctx, async () => {
      const { tiny, large } = ANALYSIS;
      const adapters = await ensureAdapters(p, [{ rank: tiny, seed: p.seed }, { rank: large, seed: p.seed }], ctx);
      await ctx.checkpoint();
      const { model: base } = await ctx.resources.baseModel();
      const w = await weightOperator(base.layers[p.layer].kernel);
      try {
        const topKey = `top:${p.layer}`;
        let top = ctx.session.get(topKey) as TopOfW | undefined;
        if (!top) {
          top = await topSingular(w.op, large, mulberry32(deriveSeed(p.seed, 'top-of-w')), { tol: 1e-7 });
          ctx.session.set(topKey, top);
        }
        const rand = mulberry32(deriveSeed(p.seed, 'random-directions'));
        const comparisons: DeltaVsWResult['comparisons'] = [];
        for (const a of adapters) {
          comparisons.push({ ...(await compareDeltaVsW(w.op, a.At, a.Bt, a.rank, a.scale, rand, { topOfW: top, wNorm: w.norm })), score: a.score });
        }
        return { d: w.op.rows, k: w.op.cols, wNorm: w.norm, comparisons, topIterations: top.iterations };
      } finally {
        w.dispose();
      }
    });
  },

  /** Forgets this session's trained adapters. */
  async reset(_: { session: string }, ctx: JobContext<JobEvent<'whichrank.reset'>>) {
    ctx.session.clear();
    return { numTensors: tf.memory().numTensors };
  },
};
