/**
 * Jobs for training a LoRA adapter (or, for comparison, the whole network) on a
 * downstream task. Each cell has a session that keeps its model between jobs,
 * so "Train" can continue after "Pause", and "adapter off" is instant.
 */
import { LoraModel, TASKS, Trainer, evaluate, paramSummary, tf, type Mlp, type TaskId } from '../../engine/index';
import type { JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import type { Resources } from '../resources';
import { runKey, type TrainParams, type TaskEvaluation, type TrainEvent, type TrainResult, type EvaluateParams, type SessionParams } from '../../api/lora';

/** The state a cell's session keeps between jobs. */
export interface LoraRun {
  config: string;
  params: TrainParams;
  model: LoraModel;
  /** For full fine-tuning: the copy of the base being trained (the shared base stays frozen). */
  ownBase: Mlp | null;
  trainer: Trainer;
  bytesBefore: number;
}


export function disposeRun(run: LoraRun | undefined): void {
  if (!run) return;
  run.trainer.dispose();
  run.model.disposeAdapters();
  run.ownBase?.dispose();
}

export function getRun(ctx: JobContext): LoraRun | undefined {
  return ctx.session.get('run') as LoraRun | undefined;
}

export async function evaluateTask(res: Resources, model: LoraModel, task: TaskId | 'original'): Promise<TaskEvaluation> {
  const test = await res.taskData(task, 'test');
  const e = await evaluate((x) => model.forward(x), test);
  return { ...e, task, score: task === 'original' ? e.accuracy : TASKS[task].score(e) };
}

async function createRun(res: Resources, p: TrainParams): Promise<LoraRun> {
  const { model: base } = await res.baseModel();
  const train = await res.taskData(p.task, 'train');
  await res.taskData(p.task, 'test'); // cached now, so the task's data is not counted in the run's runBytes
  const bytesBefore = tf.memory().numBytes;
  let model: LoraModel;
  let ownBase: Mlp | null = null;
  if (p.mode === 'full') {
    ownBase = await base.clone();
    model = new LoraModel(ownBase);
  } else {
    if (!p.layers.length) throw new Error('Choose at least one layer to adapt.');
    model = LoraModel.withAdapters(base, p.layers, { rank: p.rank, alpha: p.alpha, scaling: p.scaling, init: p.init }, p.seed);
  }
  const vars = ownBase ? ownBase.variables() : model.variables();
  const trainer = new Trainer(vars, (x) => model.forward(x), train, {
    steps: p.steps, learningRate: p.learningRate, batchSize: p.batchSize ?? 64, seed: p.seed, reportEvery: 5,
  });
  return { config: runKey(p), params: p, model, ownBase, trainer, bytesBefore };
}

export const jobs = {
  /** Accuracy of the base alone, or of this session's model with its adapter on or off. */
  async evaluate(p: EvaluateParams, ctx: JobContext<JobEvent<'lora.evaluate'>>) {
    const run = getRun(ctx);
    if (!run || p.adapter === undefined) return evaluateTask(ctx.resources, new LoraModel((await ctx.resources.baseModel()).model), p.task);
    if (run.params.mode === 'full') return evaluateTask(ctx.resources, p.adapter ? run.model : new LoraModel((await ctx.resources.baseModel()).model), p.task);
    run.model.setEnabled(p.adapter);
    try {
      return await evaluateTask(ctx.resources, run.model, p.task);
    } finally {
      run.model.setEnabled(true);
    }
  },

  /** Trains (or continues training) this session's model up to p.steps steps. */
  async train(p: TrainParams, ctx: JobContext<JobEvent<'lora.train'>>): Promise<TrainResult> {
    let run = getRun(ctx);
    if (!run || run.config !== runKey(p)) {
      disposeRun(run);
      ctx.session.delete('run');
      run = await createRun(ctx.resources, p);
      ctx.session.set('run', run);
    }
    const r = run;
    // Train in stretches so the task's test accuracy can be measured in between.
    const msPerStep = await ctx.trainInStretches(r.trainer, p.steps, p.evalEvery ?? 0,
      (progress) => ctx.emit({ kind: 'step', ...progress, steps: p.steps } satisfies TrainEvent),
      async () => ctx.emit({ kind: 'eval', step: r.trainer.step, evaluation: await evaluateTask(ctx.resources, r.model, p.task) } satisfies TrainEvent));
    const evaluation = await evaluateTask(ctx.resources, r.model, p.task);
    ctx.emit({ kind: 'eval', step: r.trainer.step, evaluation } satisfies TrainEvent);
    const trainable = p.mode === 'full' ? paramSummary(r.model.base.sizes, [], 1).base : r.model.allocatedAdapterParams();
    return { step: r.trainer.step, evaluation, trainableParams: trainable, runBytes: tf.memory().numBytes - r.bytesBefore, msPerStep };
  },

  /** Forgets this session's model (the Reset button). */
  async reset(_: SessionParams, ctx: JobContext<JobEvent<'lora.reset'>>) {
    disposeRun(getRun(ctx));
    ctx.session.delete('run');
    return { numTensors: tf.memory().numTensors };
  },
};
