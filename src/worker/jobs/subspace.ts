/**
 * Jobs for the /intrinsic-dimension/ chapter: train the 784-200-200-10 network
 * of Li et al. (2018) from its random initialisation θ₀, either in a random
 * d-dimensional subspace (θ = θ₀ + P·θ_d, only θ_d trained) or directly (all
 * D parameters, the baseline), on the page's 4,000 training digits; measure
 * accuracy on its 1,000 test digits.
 */
import { Mlp, PAPER_FC_SIZES, SUBSPACE_DEFAULTS, SubspaceModel, Trainer, baseParamCount, evaluate, mlpForward, readD90, subspaceDimensionProblem, tf } from '../../engine/index';
import type { Tensor2D, Variable } from '../../engine/tf';
import type { JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import type { Resources } from '../resources';
import { type SubspaceMode, type SubspaceTrainParams, type SubspaceEvent, type SubspaceResult, type SweepParams, type SweepEvent, type SweepResult, type ResetParams } from '../../api/subspace';

/** A network being trained, kept in the cell's session between jobs. */
interface Run {
  config: string;
  mode: SubspaceMode;
  d: number;
  base: Mlp;
  model: SubspaceModel | null;
  forward: (x: Tensor2D) => Tensor2D;
  trainer: Trainer;
  msPerStep: number;
}

const D = baseParamCount(PAPER_FC_SIZES);
const configKey = (p: SubspaceTrainParams) =>
  JSON.stringify([p.mode, p.mode === 'direct' ? 0 : p.d, p.seed, p.learningRate, p.batchSize, p.perRow]);

function validate(p: SubspaceTrainParams): void {
  if (p.mode !== 'direct') {
    const problem = subspaceDimensionProblem(p.d, D);
    if (problem) throw new Error(problem);
  }
  if (!Number.isInteger(p.steps) || p.steps < 1 || p.steps > 100_000) throw new Error(`Steps must be a whole number from 1 to 100,000 (got ${p.steps}).`);
  if (!Number.isInteger(p.seed) || p.seed < 0) throw new Error(`The seed must be a whole number ≥ 0 (got ${p.seed}).`);
}

async function createRun(res: Resources, p: SubspaceTrainParams): Promise<Run> {
  validate(p);
  const train = await res.taskData('original', 'train');
  // θ₀: the same seeded random initialisation for both modes.
  const base = Mlp.random(PAPER_FC_SIZES, p.seed);
  let model: SubspaceModel | null = null;
  let vars: Variable[];
  let forward: (x: Tensor2D) => Tensor2D;
  if (p.mode === 'direct') {
    vars = base.variables();
    forward = (x) => mlpForward(x, base.layers);
  } else {
    model = new SubspaceModel(base, p.d, { seed: p.seed, perRow: p.perRow ?? SUBSPACE_DEFAULTS.perRow });
    vars = model.variables();
    forward = (x) => model!.forward(x);
  }
  const trainer = new Trainer(vars, forward, train, {
    steps: p.steps,
    batchSize: p.batchSize ?? SUBSPACE_DEFAULTS.batchSize,
    learningRate: p.learningRate ?? SUBSPACE_DEFAULTS.learningRate[p.mode],
    seed: p.seed,
    reportEvery: 5,
  });
  return { config: configKey(p), mode: p.mode, d: p.mode === 'direct' ? D : p.d, base, model, forward, trainer, msPerStep: 0 };
}

function disposeRun(run: Run | undefined): void {
  if (!run) return;
  run.trainer.dispose();
  run.model?.dispose();
  run.base.dispose();
}

async function testAccuracy(res: Resources, run: Run): Promise<number> {
  return (await evaluate(run.forward, await res.taskData('original', 'test'))).accuracy;
}

/** Trains `run` up to `steps` steps in total, streaming progress; honours pause and stop. */
async function trainRun(run: Run, steps: number, ctx: JobContext, emit: (e: SubspaceEvent) => void): Promise<void> {
  run.trainer.options.steps = steps;
  await ctx.runTrainer(run.trainer, (p) => {
    run.msPerStep = p.msPerStep;
    emit({ kind: 'step', step: p.step, steps, loss: p.loss, msPerStep: p.msPerStep });
  });
}

export const jobs = {
  /** Trains (or continues training) this session's network up to p.steps steps; then measures test accuracy. */
  async train(p: SubspaceTrainParams, ctx: JobContext<JobEvent<'subspace.train'>>): Promise<SubspaceResult> {
    let run = ctx.session.get('run') as Run | undefined;
    if (!run || run.config !== configKey(p)) {
      disposeRun(run);
      ctx.session.delete('run');
      run = await createRun(ctx.resources, p);
      ctx.session.set('run', run);
    }
    validate(p);
    await trainRun(run, p.steps, ctx, (e) => ctx.emit(e));
    const accuracy = await testAccuracy(ctx.resources, run);
    ctx.emit({ kind: 'eval', step: run.trainer.step, accuracy } satisfies SubspaceEvent);
    return { mode: run.mode, d: run.d, D, step: run.trainer.step, accuracy, msPerStep: run.msPerStep, trained: run.mode === 'direct' ? D : run.d };
  },

  /**
   * The baseline (direct training), then one subspace run per d, each for the
   * same number of steps from the same θ₀. Finished runs are remembered in the
   * session, so a stopped sweep picks up where it left off.
   */
  async sweep(p: SweepParams, ctx: JobContext<JobEvent<'subspace.sweep'>>): Promise<SweepResult> {
    if (!Array.isArray(p.ds) || p.ds.length === 0) throw new Error('Choose at least one subspace dimension d.');
    for (const d of p.ds) {
      const problem = subspaceDimensionProblem(d, D);
      if (problem) throw new Error(problem);
    }
    const done = (ctx.session.get('sweep') as Map<string, { accuracy: number; msPerStep: number }> | undefined) ?? new Map();
    ctx.session.set('sweep', done);
    const plan: { mode: SubspaceMode; d: number }[] = [{ mode: 'direct', d: D }, ...p.ds.map((d) => ({ mode: 'subspace' as const, d }))];
    const results: { mode: SubspaceMode; d: number; accuracy: number }[] = [];
    for (const [index, item] of plan.entries()) {
      await ctx.checkpoint();
      const key = JSON.stringify([item.mode, item.d, p.steps, p.seed]);
      let r = done.get(key);
      const cached = r !== undefined;
      ctx.emit({ kind: 'start', index, total: plan.length, ...item } satisfies SweepEvent);
      if (!r) {
        const run = await createRun(ctx.resources, { session: p.session, mode: item.mode, d: item.d, steps: p.steps, seed: p.seed });
        try {
          await trainRun(run, p.steps, ctx, (e) => {
            if (e.kind === 'step') ctx.emit({ ...e, kind: 'step', index, total: plan.length } satisfies SweepEvent);
          });
          await ctx.checkpoint(); // a stop during this run: do not record a half-trained point
          r = { accuracy: await testAccuracy(ctx.resources, run), msPerStep: run.msPerStep };
          done.set(key, r);
        } finally {
          disposeRun(run);
        }
      }
      results.push({ ...item, accuracy: r.accuracy });
      ctx.emit({ kind: 'point', ...item, accuracy: r.accuracy, msPerStep: r.msPerStep, cached } satisfies SweepEvent);
    }
    const baseline = results[0].accuracy;
    const points = results.slice(1).map(({ d, accuracy }) => ({ d, accuracy }));
    return { baseline, points, d90: readD90(points, baseline) };
  },

  /** Forgets this session's network and remembered sweep points (the Reset buttons). */
  async reset(p: ResetParams, ctx: JobContext<JobEvent<'subspace.reset'>>) {
    const what = p.what ?? 'all';
    if (what !== 'sweep') {
      disposeRun(ctx.session.get('run') as Run | undefined);
      ctx.session.delete('run');
    }
    if (what !== 'run') ctx.session.delete('sweep');
    return { numTensors: tf.memory().numTensors };
  },
};
