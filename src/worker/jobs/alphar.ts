/**
 * /alpha-r/: one short LoRA run per call, with a chosen rank, α, scaling (α/r or
 * α/√r) and optimizer, returning its loss curve and how big the update became.
 * The page calls it once per configuration, so a sweep can be stopped between runs.
 */
import { baseForward, LoraModel, TASKS, Trainer, evaluate, readScalar, tf } from '../../engine/index';
import type { JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import { memo } from '../resources';
import { type AlphaRunParams, type AlphaRunEvent, type AlphaRunResult } from '../../api/alphar';

export const jobs = {
  async train(p: AlphaRunParams, ctx: JobContext<JobEvent<'alphar.train'>>): Promise<AlphaRunResult> {
    const { model: base } = await ctx.resources.baseModel();
    const task = TASKS[p.task];
    if (!task) throw new Error(`Unknown task “${p.task}”.`);
    const [train, test] = await Promise.all([ctx.resources.taskData(p.task, 'train'), ctx.resources.taskData(p.task, 'test')]);
    // The base's score on the task, measured once per worker.
    const baseScore = await memo(ctx.resources, `alphar.base:${p.task}`, async () => task.score(await evaluate((x) => baseForward(base, x), test)));
    const model = LoraModel.withAdapters(base, p.layers, { rank: p.rank, alpha: p.alpha, scaling: p.scaling }, p.seed);
    const trainer = new Trainer(model.variables(), (x) => model.forward(x), train, {
      steps: p.steps, learningRate: p.learningRate, optimizer: p.optimizer, batchSize: p.batchSize ?? 64,
      seed: p.seed, reportEvery: p.reportEvery ?? 2,
    });
    const losses: AlphaRunEvent[] = [];
    try {
      const msPerStep = await ctx.runTrainer(trainer, (pr) => {
        losses.push({ step: pr.step, loss: pr.loss });
        ctx.emit({ step: pr.step, loss: pr.loss } satisfies AlphaRunEvent);
      }, { dispose: true });
      const layerNorms: AlphaRunResult['layerNorms'] = [];
      for (const a of model.adapters) {
        if (!a) continue;
        layerNorms.push({
          layer: a.layer,
          norm: await readScalar(() => tf.norm(a.deltaKernel())),
          w0Norm: await readScalar(() => tf.norm(base.layers[a.layer].kernel)),
        });
      }
      const totalNorm = Math.sqrt(layerNorms.reduce((s, l) => s + l.norm * l.norm, 0));
      const score = task.score(await evaluate((x) => model.forward(x), test));
      return {
        losses, scale: model.adapters.find((a) => a)?.scale ?? 0, layerNorms, totalNorm,
        score, baseScore, msPerStep,
      };
    } finally {
      model.disposeAdapters();
    }
  },
};
