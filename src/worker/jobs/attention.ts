/**
 * Jobs for the /attention/ chapter: the tiny character GPT pretrained on
 * English words, adapted with LoRA on a country's place names. A cell's
 * session keeps its adapted model between jobs (train more, generate, reset).
 * The contract (params, events, results) is src/api/attention.ts; the base and the
 * words come from the worker's resources (ctx.resources).
 */
import { tf, deriveSeed, mulberry32, shuffledIndices, yieldToEventLoop } from '../../engine/index';
import { readAsync } from '../../engine/tf';
import { GptLora, heldOutLoss, sampleWords, wordTensors } from '../../engine/gpt';
import { LORA_TARGETS, encodeable } from '../../core/gpt';
import type { JobContext } from '../context';
import { memo, type Resources } from '../resources';
import type { JobEvent } from '../../api/jobs';
import type {
  AdapterSwitchParams, AdapterSwitchResult, AttentionParams, AttentionResult, BaseLossParams, BaseLossResult, BudgetParams, BudgetResult, GptTrainParams, GptTrainResult,
  InfoParams, InfoResult, KeepResult, ResetResult, SampleKeptResult, SampleParams, SampleResult, SessionParams,
} from '../../api/attention';

interface GptRun {
  key: string;
  model: GptLora;
  opt: tf.Optimizer;
  step: number;
  order: Int32Array;
  cursor: number;
  rand: () => number;
}

const runKey = (p: GptTrainParams) => JSON.stringify([p.country, [...p.targets].sort(), p.rank, p.alpha, p.learningRate, p.batchSize ?? 32, p.seed]);

function getRun(ctx: JobContext): GptRun | undefined {
  return ctx.session.get('gpt-run') as GptRun | undefined;
}

function dropRun(ctx: JobContext): void {
  const run = getRun(ctx);
  if (!run) return;
  run.opt.dispose();
  run.model.disposeAdapters();
  ctx.session.delete('gpt-run');
}

async function country(res: Resources, code: string) {
  const words = await res.words();
  const c = words.countries.find((x) => x.code === code);
  if (!c) throw new Error(`There are no place names for "${code}" (choose one of ${words.countries.map((x) => x.name).join(', ')}).`);
  return c;
}

/** The frozen base's held-out loss on a country's names: measured once per worker (its resources). */
function baseLoss(res: Resources, code: string): Promise<number> {
  return memo(res, `attention.baseLoss:${code}`, async () => {
    const { model } = await res.gptBase();
    return heldOutLoss(new GptLora(model), (await country(res, code)).test);
  });
}

function checkParams(p: GptTrainParams): void {
  if (!p.targets.length) throw new Error('Choose at least one matrix to adapt.');
  for (const t of p.targets) if (!LORA_TARGETS.includes(t)) throw new Error(`Unknown matrix "${t}".`);
  if (!Number.isInteger(p.rank) || p.rank < 1 || p.rank > 64) throw new Error(`Rank must be a whole number from 1 to 64 (got ${p.rank}).`);
  if (!(p.alpha > 0)) throw new Error(`α must be a positive number (got ${p.alpha}).`);
  if (!(p.learningRate > 0 && p.learningRate <= 1)) throw new Error(`The learning rate must be in (0, 1] (got ${p.learningRate}).`);
}

export const jobs = {
  /** The base model's facts and the tasks on offer. */
  async info(_: InfoParams, ctx: JobContext): Promise<InfoResult> {
    const [{ meta }, words] = await Promise.all([ctx.resources.gptBase(), ctx.resources.words()]);
    return {
      meta,
      backend: tf.getBackend(),
      english: words.english.length,
      countries: words.countries.map((c) => ({ code: c.code, name: c.name, train: c.train.length, test: c.test.length, total: c.total, leftOut: c.leftOut, examples: c.examples })),
    };
  },

  /** Seeded samples from the base and, if this session has trained, from the adapted model. */
  async sample(p: SampleParams, ctx: JobContext): Promise<SampleResult> {
    const n = Math.max(1, Math.min(24, Math.round(p.n)));
    const { model } = await ctx.resources.gptBase();
    const run = getRun(ctx);
    const adaptedModel = run && run.step > 0 ? run.model : null; // as the job was asked, whatever happens while it awaits
    const base = await sampleWords(new GptLora(model), n, p.seed, p.temperature);
    const adapted = adaptedModel ? await sampleWords(adaptedModel, n, p.seed, p.temperature) : null;
    return { base, adapted, step: run?.step ?? 0 };
  },

  /** Held-out loss (nats per character) of the base on a country's names. */
  async baseLoss(p: BaseLossParams, ctx: JobContext): Promise<BaseLossResult> {
    return { baseLoss: await baseLoss(ctx.resources, p.country) };
  },

  /** Trains (or continues) this session's adapters up to p.steps steps in total. */
  async train(p: GptTrainParams, ctx: JobContext<JobEvent<'attention.train'>>): Promise<GptTrainResult> {
    checkParams(p);
    const c = await country(ctx.resources, p.country);
    const { model: base } = await ctx.resources.gptBase();
    const before = await baseLoss(ctx.resources, p.country);
    let run = getRun(ctx);
    if (!run || run.key !== runKey(p)) {
      dropRun(ctx);
      const rand = mulberry32(deriveSeed(p.seed, `order:${p.country}`));
      run = {
        key: runKey(p),
        model: GptLora.withAdapters(base, p.targets, { rank: p.rank, alpha: p.alpha }, p.seed),
        opt: tf.train.adam(p.learningRate),
        step: 0,
        order: shuffledIndices(c.train.length, rand),
        cursor: 0,
        rand,
      };
      ctx.session.set('gpt-run', run);
    }
    const r = run;
    r.model.enabled = true; // training goes on with the adapter applied, even if the reader had switched it off
    const batch = Math.max(1, Math.min(128, p.batchSize ?? 32));
    const evalEvery = p.evalEvery ?? 0;
    let msPerStep = 0;
    // The window's losses stay on the backend until its report reads them, once and asynchronously
    // (no read-back per step: issue 15), as the MLP's Trainer does.
    let windowLosses: tf.Scalar[] = [];
    let windowStart = performance.now();
    while (r.step < p.steps && !ctx.stopped) {
      await ctx.checkpoint().catch(() => undefined); // waits while paused; a stop ends the loop below
      if (ctx.stopped) break;
      if (r.cursor + batch > r.order.length) {
        r.order = shuffledIndices(c.train.length, r.rand);
        r.cursor = 0;
      }
      const words = Array.from(r.order.subarray(r.cursor, r.cursor + batch), (i) => c.train[i]);
      r.cursor += batch;
      const t = wordTensors(words);
      windowLosses.push(r.opt.minimize(() => r.model.loss(t.tokens, t.targets, t.mask), true, r.model.variables())!);
      t.tokens.dispose();
      t.targets.dispose();
      t.mask.dispose();
      r.step++;
      if (windowLosses.length === 5 || r.step === p.steps) {
        const windowSteps = windowLosses.length;
        const values = await readAsync(() => tf.stack(windowLosses)).finally(() => tf.dispose(windowLosses));
        windowLosses = [];
        let windowLoss = 0;
        for (const v of values) windowLoss += v;
        const l = windowLoss / windowSteps;
        if (!Number.isFinite(l)) {
          dropRun(ctx);
          throw Object.assign(new Error('Training diverged: the loss is no longer a finite number. Lower the learning rate or α, then train again.'), { name: 'TrainingDiverged' });
        }
        msPerStep = (performance.now() - windowStart) / windowSteps;
        ctx.emit({ kind: 'step', step: r.step, steps: p.steps, loss: l, msPerStep });
        await yieldToEventLoop(); // let a Cancel message in
        windowStart = performance.now();
      }
      if (evalEvery > 0 && r.step % evalEvery === 0 && r.step < p.steps) {
        ctx.emit({ kind: 'eval', step: r.step, heldOut: await heldOutLoss(r.model, c.test) });
        windowStart = performance.now();
      }
    }
    tf.dispose(windowLosses); // a stop between reports leaves steps unreported
    const heldOut = await heldOutLoss(r.model, c.test);
    ctx.emit({ kind: 'eval', step: r.step, heldOut });
    return {
      step: r.step, baseLoss: before, heldOut, trainableParams: r.model.adapterParams(), msPerStep, stopped: ctx.stopped,
    };
  },

  /**
   * Table 5, live: a fresh adapter per configuration, each trained for the same steps on
   * the same batches (same seed), then measured on the held-out names. Stop ends the sweep
   * between steps; finished configurations are kept by the page.
   */
  async budget(p: BudgetParams, ctx: JobContext<JobEvent<'attention.budget'>>): Promise<BudgetResult> {
    const c = await country(ctx.resources, p.country);
    const { model: base } = await ctx.resources.gptBase();
    const before = await baseLoss(ctx.resources, p.country);
    const steps = Math.max(1, Math.min(1000, Math.round(p.steps)));
    let done = 0;
    for (const [i, cfg] of p.configs.entries()) {
      checkParams({ session: '', country: p.country, targets: cfg.targets, rank: cfg.rank, alpha: p.alpha ?? 8, learningRate: p.learningRate ?? 0.01, steps, seed: p.seed });
      const model = GptLora.withAdapters(base, cfg.targets, { rank: cfg.rank, alpha: p.alpha ?? 8 }, p.seed);
      const opt = tf.train.adam(p.learningRate ?? 0.01);
      const rand = mulberry32(deriveSeed(p.seed, `order:${p.country}`));
      let order = shuffledIndices(c.train.length, rand);
      let cursor = 0;
      const started = performance.now();
      try {
        for (let s = 1; s <= steps; s++) {
          await ctx.checkpoint();
          if (cursor + 32 > order.length) { order = shuffledIndices(c.train.length, rand); cursor = 0; }
          const t = wordTensors(Array.from(order.subarray(cursor, cursor + 32), (j) => c.train[j]));
          cursor += 32;
          opt.minimize(() => model.loss(t.tokens, t.targets, t.mask), false, model.variables());
          t.tokens.dispose(); t.targets.dispose(); t.mask.dispose();
          if (s % 5 === 0 || s === steps) {
            ctx.emit({ kind: 'step', config: i, step: s, steps });
            await yieldToEventLoop();
          }
        }
        const heldOut = await heldOutLoss(model, c.test);
        if (!Number.isFinite(heldOut)) throw new Error(`Training ${cfg.targets.join(', ')} at rank ${cfg.rank} diverged; lower the learning rate.`);
        ctx.emit({ kind: 'config', config: i, heldOut, params: model.adapterParams(), msPerStep: (performance.now() - started) / steps });
        done++;
      } finally {
        opt.dispose();
        model.disposeAdapters();
      }
    }
    return { baseLoss: before, done };
  },

  /**
   * Task switching: keeps the trained adapters under their country's name and starts the next
   * run afresh. Kept adapters share the one frozen base; only their A and B are stored.
   */
  async keep(_: SessionParams, ctx: JobContext): Promise<KeepResult> {
    const run = getRun(ctx);
    if (!run || run.step === 0) throw new Error('Train an adapter first, then keep it.');
    const code = (JSON.parse(run.key) as unknown[])[0] as string;
    const kept = (ctx.session.get('gpt-kept') as Map<string, { model: GptLora; step: number }> | undefined) ?? new Map();
    kept.get(code)?.model.disposeAdapters();
    run.model.enabled = true; // a kept adapter is sampled with its adapter applied, whatever the switch said
    kept.set(code, { model: run.model, step: run.step });
    ctx.session.set('gpt-kept', kept);
    run.opt.dispose();
    ctx.session.delete('gpt-run'); // the adapters now belong to `kept`
    return { kept: [...kept].map(([c, k]) => ({ code: c, params: k.model.adapterParams(), step: k.step })) };
  },

  /** Samples (same seed for all) from the base and from each kept adapter, swapped in on the one base. */
  async sampleKept(p: SampleParams, ctx: JobContext): Promise<SampleKeptResult> {
    const n = Math.max(1, Math.min(24, Math.round(p.n)));
    const kept = (ctx.session.get('gpt-kept') as Map<string, { model: GptLora; step: number }> | undefined) ?? new Map();
    const adapters = [];
    for (const [code, k] of [...kept]) adapters.push({ code, params: k.model.adapterParams(), step: k.step, words: await sampleWords(k.model, n, p.seed, p.temperature) });
    return { adapters };
  },

  /**
   * Look inside: one head's attention probabilities for one word, base and (after training)
   * adapted. Row i is the position reading, column j the position read; rows sum to 1.
   */
  async attention(p: AttentionParams, ctx: JobContext): Promise<AttentionResult> {
    const { model } = await ctx.resources.gptBase();
    const cfg = model.config;
    const word = String(p.word ?? '').trim().toLowerCase();
    if (!encodeable(word, cfg)) throw new Error(`Type a word of 1–${cfg.context - 1} letters a–z (got "${p.word}").`);
    if (!Number.isInteger(p.layer) || p.layer < 0 || p.layer >= cfg.layers) throw new Error(`There is no block ${p.layer + 1}.`);
    if (!Number.isInteger(p.head) || p.head < 0 || p.head >= cfg.heads) throw new Error(`There is no head ${p.head + 1}.`);
    const n = word.length + 1; // the start mark plus each letter
    const pattern = async (m: GptLora): Promise<number[][]> => {
      const maps: tf.Tensor[] = [];
      const t = wordTensors([word], cfg);
      try {
        tf.tidy(() => { m.forward(t.tokens, maps); });
        const a = await maps[p.layer].data(); // [1, H, T, T]
        const T = cfg.context;
        return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => a[(p.head * T + i) * T + j]));
      } finally {
        maps.forEach((x) => x.dispose());
        t.tokens.dispose(); t.targets.dispose(); t.mask.dispose();
      }
    };
    const run = getRun(ctx);
    const adaptedModel = run && run.step > 0 ? run.model : null;
    const base = await pattern(new GptLora(model));
    return { chars: ['·', ...word], base, adapted: adaptedModel ? await pattern(adaptedModel) : null };
  },

  /**
   * Adapter on/off: applies or skips this session's trained adapter on the frozen base, without
   * retraining or forgetting it; samples and attention patterns follow until it is switched again or
   * trained further (training switches it on).
   */
  async adapter(p: AdapterSwitchParams, ctx: JobContext<JobEvent<'attention.adapter'>>): Promise<AdapterSwitchResult> {
    const run = getRun(ctx);
    if (!run || run.step === 0) throw new Error('There is no trained adapter to switch on or off yet: train one first.');
    if (typeof p.on !== 'boolean') throw new Error(`Switch the adapter on or off (got ${String(p.on)}).`);
    run.model.enabled = p.on; // before any await: a job that starts meanwhile sees the switch as asked
    const code = (JSON.parse(run.key) as unknown[])[0] as string;
    const before = await baseLoss(ctx.resources, code);
    // Off, the model is the base, whose held-out loss is already known.
    const heldOut = p.on ? await heldOutLoss(run.model, (await country(ctx.resources, code)).test) : before;
    // p.on, not the model's flag now: the loss above was measured with this setting, and a Train meanwhile switches it on.
    return { on: p.on, step: run.step, heldOut, baseLoss: before };
  },

  /** Forgets this session's adapters (the Reset button). */
  async reset(_: SessionParams, ctx: JobContext): Promise<ResetResult> {
    dropRun(ctx);
    return { numTensors: tf.memory().numTensors };
  },
};
