/**
 * Jobs for /qlora/ and /qa-lora/: quantize a layer of the shared base and measure the error
 * (qlora.layer), the quantized base's test accuracy per data type and block size (qlora.sweep),
 * LoRA training on a frozen NF4 base (qlora.train / qlora.evaluate / qlora.reset), and the
 * QLoRA-style vs QA-LoRA merge comparison on a group-wise INT4 base (qlora.compare).
 * The shared fp32 base is only read; every quantized copy is made from its weights.
 */
import {
  baseForward, LoraModel, TASKS, Trainer, evaluate, tf, type DigitTensors, type Evaluation, type Tensor2D, type TaskId,
} from '../../engine/index';
import { constantBitsPerParameter, dequantizeBlockwise, errorReport, quantizeBlockwise, storageBreakdown, type ErrorReport } from '../../core/quant/index';
import { QUANT_FORMATS, QuantizedMlp, kernelToW0, type QuantFormat } from '../../engine/quantizedBase';
import {
  GroupwiseQuantizedMlp, QaLoraModel, groupSizesFor, mergeLoraAndRequantizeModel, mergeQaLoraModel,
} from '../../engine/qalora';
import { ALPHA, LEARNING_RATE } from '../../core/tasks';
import { QLORA_BASE, type EvaluateParams, type EvaluateResult } from '../../api/qlora';
import { biasCount, quantizedWeightBytes, weightCount } from '../../core/quant/memory';
import { JobStopped, type JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import { memo, type Resources } from '../resources';
import { type Score, type LayerParams, type LayerResult, type SweepParams, type SweepCell, type SweepEvent, type SweepResult, type QloraTrainParams, type QloraEvent, type QloraMemory, type QloraResult, type CompareParams, type CompareEvent, type ComparePhase, type GridSummary, type PhaseResult, type CompareResult } from '../../api/qlora';
import { median } from '../../core/stats';

// ---- shared helpers -------------------------------------------------------------------------------

type Forward = (x: Tensor2D) => Tensor2D;

export async function scoreTask(res: Resources, forward: Forward, task: TaskId | 'original'): Promise<Score> {
  const e: Evaluation = await evaluate(forward, await res.taskData(task, 'test'));
  return { score: task === 'original' ? e.accuracy : TASKS[task].score(e), accuracy: e.accuracy };
}

function checkTask(task: string): asserts task is TaskId {
  if (!(task in TASKS)) throw new Error(`Unknown task “${task}”.`);
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be a whole number from ${min} to ${max.toLocaleString('en-US')} (got ${v}).`);
}

function checkFormat(format: string): asserts format is QuantFormat {
  if (!(format in QUANT_FORMATS)) throw new Error(`Unknown data type “${format}”.`);
}

function checkBlock(block: number | 'tensor'): void {
  if (block !== 'tensor') checkInt('The block size', block, 1, 1 << 24);
}

/** W₀ (d×k, row-major) of layer i of the shared base, as QLoRA quantizes it. */
async function layerW0(res: Resources, i: number): Promise<{ w0: Float32Array; d: number; k: number }> {
  const { model } = await res.baseModel();
  checkInt('The layer', i, 0, model.sizes.length - 2);
  const [k, d] = [model.sizes[i], model.sizes[i + 1]];
  const w0 = await memo(res, `qlora.w0:${i}`, async () => {
    const w = (await model.weights())[i];
    return kernelToW0(w.kernel, w.dIn, w.dOut);
  });
  return { w0, d, k };
}

/** The fp32 base's score on a task, measured once. */
function fp32Score(res: Resources, task: TaskId | 'original'): Promise<Score> {
  return memo(res, `qlora.fp32:${task}`, async () => {
    const { model } = await res.baseModel();
    return scoreTask(res, (x) => baseForward(model, x), task);
  });
}

/** The frozen NF4 base (blocks of 64, double quantization) that QLoRA trains on; made once per worker. */
function nf4Base(res: Resources): Promise<QuantizedMlp> {
  return memo(res, 'qlora.nf4', async () => {
    const { model } = await res.baseModel();
    return QuantizedMlp.fromWeights(await model.weights(), model.fingerprint, QLORA_BASE);
  });
}

// ---- qlora.layer: one weight matrix, quantized ------------------------------------------------------

// ---- qlora.sweep: accuracy of the quantized base ------------------------------------------------------

async function predictions(forward: Forward, data: DigitTensors): Promise<Int32Array> {
  const out = new Int32Array(data.n);
  for (let start = 0; start < data.n; start += 500) {
    const size = Math.min(500, data.n - start);
    const pred = tf.tidy(() => tf.argMax(forward(tf.slice(data.x, [start, 0], [size, -1]) as Tensor2D), 1));
    out.set(await pred.data() as Int32Array, start);
    pred.dispose();
  }
  return out;
}

// ---- qlora.train: LoRA on the frozen NF4 base -------------------------------------------------------

interface QloraRun {
  config: string;
  model: LoraModel;
  trainer: Trainer;
  bytesBefore: number;
}

const runKey = (p: QloraTrainParams) => JSON.stringify([p.task, p.rank, p.seed]);

function disposeRun(run: QloraRun | undefined): void {
  if (!run) return;
  run.trainer.dispose();
  run.model.disposeAdapters();
}

async function qloraMemory(res: Resources, run: QloraRun): Promise<QloraMemory> {
  const base = await nf4Base(res);
  const s = base.storage();
  return {
    baseWeights: s.weightBytes,
    baseBiases: s.biasBytes,
    adapterParams: run.model.allocatedAdapterParams(),
    tfjsRunBytes: tf.memory().numBytes - run.bytesBefore,
    transientBytes: 4 * s.weightParams,
  };
}

// ---- qlora.compare: QLoRA-style merge vs QA-LoRA merge -------------------------------------------------

async function trainVars(vars: tf.Variable[], forward: Forward, train: DigitTensors, p: CompareParams, ctx: JobContext, onStep: (step: number, loss: number) => void): Promise<number> {
  const trainer = new Trainer(vars, forward, train, { steps: p.steps, learningRate: LEARNING_RATE[p.task], seed: p.seed, reportEvery: 5 });
  return ctx.runTrainer(trainer, (pr) => onStep(pr.step, pr.loss), { dispose: true, throwIfStopped: true });
}

// ---- the jobs --------------------------------------------------------------------------------------------

export const jobs = {
  async layer(p: LayerParams, ctx: JobContext<JobEvent<'qlora.layer'>>): Promise<LayerResult> {
    checkFormat(p.format);
    checkBlock(p.blockSize);
    const bins = p.bins ?? 80;
    checkInt('The number of bins', bins, 4, 400);
    const { w0, d, k } = await layerW0(ctx.resources, p.layer);
    const dtype = QUANT_FORMATS[p.format];
    const n = w0.length;
    const blockSize = p.blockSize === 'tensor' ? n : Math.min(p.blockSize, n);
    const q = quantizeBlockwise(w0, dtype, blockSize);
    const restored = dequantizeBlockwise(q);
    const counts = new Array(bins).fill(0);
    const codeCounts = new Array(dtype.levels.length).fill(0);
    for (let i = 0; i < n; i++) {
      const m = q.absmax[Math.floor(i / blockSize)];
      const v = m > 0 ? w0[i] / m : 0;
      counts[Math.min(bins - 1, Math.max(0, Math.floor(((v + 1) / 2) * bins)))]++;
      codeCounts[q.codes[i]]++;
    }
    const { model } = await ctx.resources.baseModel();
    const spec = { bits: dtype.bits, blockSize: p.blockSize };
    const biases = biasCount(model.sizes);
    const weights = weightCount(model.sizes);
    return {
      layer: p.layer, d, k, n, format: p.format, blockSize, blocks: q.absmax.length,
      levels: Array.from(dtype.levels),
      histogram: counts.map((count, b) => ({ x0: -1 + (2 * b) / bins, x1: -1 + (2 * (b + 1)) / bins, count })),
      codeCounts,
      error: errorReport(w0, restored),
      absmax: { min: Math.min(...q.absmax), median: median(q.absmax), max: Math.max(...q.absmax) },
      storage: {
        plain: storageBreakdown(n, { bits: dtype.bits, blockSize, doubleQuant: false }),
        dq: storageBreakdown(n, { bits: dtype.bits, blockSize, doubleQuant: true }),
      },
      constantBits: { plain: constantBitsPerParameter({ blockSize }), dq: constantBitsPerParameter({ blockSize, doubleQuant: true }) },
      model: {
        fp32Bytes: 4 * (weights + biases),
        plainBytes: quantizedWeightBytes(model.sizes, { ...spec, doubleQuant: false }) + 4 * biases,
        dqBytes: quantizedWeightBytes(model.sizes, { ...spec, doubleQuant: true }) + 4 * biases,
        weights,
        biases,
      },
    };
  },

  async sweep(p: SweepParams, ctx: JobContext<JobEvent<'qlora.sweep'>>): Promise<SweepResult> {
    p.formats.forEach(checkFormat);
    p.blocks.forEach(checkBlock);
    const { model } = await ctx.resources.baseModel();
    const test = await ctx.resources.taskData('original', 'test');
    const labels = await test.y.data();
    const reference = await predictions((x) => baseForward(model, x), test);
    const accuracyOf = (pred: Int32Array) => pred.reduce((s, v, i) => s + (v === labels[i] ? 1 : 0), 0) / test.n;
    const fp32 = accuracyOf(reference);
    ctx.emit({ kind: 'fp32', accuracy: fp32, n: test.n } satisfies SweepEvent);
    const weights = await model.weights();
    const cells: SweepCell[] = [];
    const total = p.formats.length * p.blocks.length;
    for (const format of p.formats) {
      for (const block of p.blocks) {
        await ctx.checkpoint();
        const q = QuantizedMlp.fromWeights(weights, model.fingerprint, { format, blockSize: block, doubleQuant: p.doubleQuant });
        try {
          const pred = await predictions((x) => baseForward(q, x), test);
          let diff = 0;
          let norm = 0;
          for (const l of q.layers) {
            const d2 = l.error.mse * l.length;
            diff += d2;
            if (l.error.relativeFrobenius > 0) norm += d2 / l.error.relativeFrobenius ** 2;
          }
          const s = q.storage();
          const cell: SweepCell = {
            format, block, accuracy: accuracyOf(pred),
            flipped: pred.reduce((c, v, i) => c + (v === reference[i] ? 0 : 1), 0),
            relativeError: norm > 0 ? Math.sqrt(diff / norm) : 0,
            bitsPerWeight: s.bitsPerWeight,
            storedBytes: s.totalBytes,
          };
          cells.push(cell);
          ctx.emit({ kind: 'cell', index: cells.length - 1, total, cell } satisfies SweepEvent);
        } finally {
          q.dispose();
        }
      }
    }
    return { fp32, n: test.n, cells };
  },

  /** The starting point of the QLoRA cell: the fp32 base and the NF4 base on a task. */
  async evaluate(p: EvaluateParams, ctx: JobContext<JobEvent<'qlora.evaluate'>>): Promise<EvaluateResult> {
    checkTask(p.task);
    const base = await nf4Base(ctx.resources);
    const [fp32, nf4] = [await fp32Score(ctx.resources, p.task), await scoreTask(ctx.resources, (x) => baseForward(base, x), p.task)];
    const run = ctx.session.get('qlora') as QloraRun | undefined;
    const mine = run && JSON.parse(run.config)[0] === p.task;
    return { fp32, nf4, now: mine ? await scoreTask(ctx.resources, (x) => run.model.forward(x), p.task) : null, step: mine ? run.trainer.step : 0 };
  },

  async train(p: QloraTrainParams, ctx: JobContext<JobEvent<'qlora.train'>>): Promise<QloraResult> {
    checkTask(p.task);
    checkInt('The rank', p.rank, 1, 64);
    checkInt('Steps', p.steps, 1, 5000);
    const base = await nf4Base(ctx.resources);
    let run = ctx.session.get('qlora') as QloraRun | undefined;
    if (!run || run.config !== runKey(p)) {
      disposeRun(run);
      ctx.session.delete('qlora');
      const train = await ctx.resources.taskData(p.task, 'train');
      const bytesBefore = tf.memory().numBytes;
      // QLoRA puts adapters on every linear layer (Dettmers et al. 2023, §4).
      const model = LoraModel.withAdapters(base, [0, 1, 2], { rank: p.rank, alpha: ALPHA }, p.seed);
      const trainer = new Trainer(model.variables(), (x) => model.forward(x), train, {
        steps: p.steps, learningRate: LEARNING_RATE[p.task], seed: p.seed, reportEvery: 5,
      });
      run = { config: runKey(p), model, trainer, bytesBefore };
      ctx.session.set('qlora', run);
    }
    const r = run;
    const ms = await ctx.trainInStretches(r.trainer, p.steps, p.evalEvery ?? 0,
      (pr) => ctx.emit({ kind: 'step', step: pr.step, steps: p.steps, loss: pr.loss, msPerStep: pr.msPerStep } satisfies QloraEvent),
      async () => ctx.emit({ kind: 'eval', step: r.trainer.step, ...(await scoreTask(ctx.resources, (x) => r.model.forward(x), p.task)) } satisfies QloraEvent));
    if (ctx.stopped) throw new JobStopped();
    const s = await scoreTask(ctx.resources, (x) => r.model.forward(x), p.task);
    ctx.emit({ kind: 'eval', step: r.trainer.step, ...s } satisfies QloraEvent);
    return { ...s, step: r.trainer.step, msPerStep: ms, memory: await qloraMemory(ctx.resources, r) };
  },

  async reset(_: { session: string }, ctx: JobContext<JobEvent<'qlora.reset'>>) {
    disposeRun(ctx.session.get('qlora') as QloraRun | undefined);
    ctx.session.delete('qlora');
    return { numTensors: tf.memory().numTensors };
  },

  async compare(p: CompareParams, ctx: JobContext<JobEvent<'qlora.compare'>>): Promise<CompareResult> {
    checkTask(p.task);
    checkInt('The group-size target', p.groupTarget, 1, 4096);
    checkInt('Bits', p.bits, 2, 8);
    checkInt('The rank', p.rank, 1, 64);
    checkInt('Steps', p.steps, 1, 5000);
    const { model } = await ctx.resources.baseModel();
    const groupSizes = groupSizesFor(model.sizes, p.groupTarget);
    const base = GroupwiseQuantizedMlp.fromWeights(await model.weights(), model.fingerprint, groupSizes, p.bits);
    const layers = [0, 1, 2].slice(0, model.sizes.length - 1);
    const cfg = { rank: p.rank, alpha: ALPHA };
    const toDispose: { dispose(): void }[] = [base];
    const adapterSets: { disposeAdapters(): void }[] = [];
    try {
      const fp32 = await fp32Score(ctx.resources, p.task);
      const quantized = await scoreTask(ctx.resources, (x) => baseForward(base, x), p.task);
      ctx.emit({ kind: 'base', groupSizes, fp32, quantized } satisfies CompareEvent);
      const train = await ctx.resources.taskData(p.task, 'train');

      /**
       * One side of the comparison: train `m` on the INT base, score it, merge it with `merge`, score the
       * merged base, and emit the phase's result (`checks`: what its merge reports, in the result's terms).
       */
      const phase = async <R>(
        name: ComparePhase,
        m: { variables(): tf.Variable[]; forward(x: Tensor2D): Tensor2D; disposeAdapters(): void },
        params: () => number,
        merge: () => Promise<{ merged: GroupwiseQuantizedMlp; reports: R[] }>,
        checks: (reports: R[]) => Pick<PhaseResult, 'grid' | 'codesUnchanged' | 'requantError'>,
      ): Promise<PhaseResult> => {
        await ctx.checkpoint();
        adapterSets.push(m);
        const msPerStep = await trainVars(m.variables(), (x) => m.forward(x), train, p, ctx, (step, loss) =>
          ctx.emit({ kind: 'step', phase: name, step, steps: p.steps, loss } satisfies CompareEvent));
        const beforeMerge = await scoreTask(ctx.resources, (x) => m.forward(x), p.task);
        const { merged, reports } = await merge();
        toDispose.push(merged);
        const afterMerge = await scoreTask(ctx.resources, (x) => baseForward(merged, x), p.task);
        const result: PhaseResult = { params: params(), beforeMerge, afterMerge, ...checks(reports), msPerStep };
        ctx.emit({ kind: 'phase', phase: name, result } satisfies CompareEvent);
        return result;
      };

      // (a) QLoRA-style: a full LoRA on the INT base, merged into dequantized weights, then re-quantized.
      const lora = LoraModel.withAdapters(base, layers, cfg, p.seed);
      const loraResult = await phase('lora', lora, () => lora.allocatedAdapterParams(), () => mergeLoraAndRequantizeModel(lora),
        (reports) => ({ grid: summarize(reports.map((r) => r.gridBefore), base), requantError: combinedRelError(reports, base) }));
      // (b) QA-LoRA: pooled adapters on the same base, folded exactly into the zero points.
      const qa = QaLoraModel.withAdapters(base, layers, groupSizes, cfg, p.seed);
      const qaResult = await phase('qalora', qa, () => qa.paramCount(), () => mergeQaLoraModel(qa),
        (reports) => ({ grid: summarize(reports.map((r) => r.grid), base), codesUnchanged: reports.every((r) => r.codesUnchanged) }));
      return { groupSizes, fp32, quantized, lora: loraResult, qalora: qaResult };
    } finally {
      adapterSets.forEach((m) => m.disposeAdapters());
      toDispose.forEach((m) => m.dispose());
    }
  },
};

function summarize(checks: { offGrid: number; maxDeviation: number }[], base: GroupwiseQuantizedMlp): GridSummary {
  const weights = base.sizes.slice(1).reduce((s, d, i) => s + d * base.sizes[i], 0);
  return {
    weights,
    offGrid: checks.reduce((s, c) => s + c.offGrid, 0),
    maxDeviation: checks.reduce((m, c) => Math.max(m, Number.isFinite(c.maxDeviation) ? c.maxDeviation : m), 0),
  };
}

/** ‖ΔW‖_F / ‖W‖_F over all layers together, from per-layer reports. */
function combinedRelError(reports: { layer: number; requantError: ErrorReport }[], base: GroupwiseQuantizedMlp): number {
  let diff = 0;
  let norm = 0;
  for (const { layer, requantError: r } of reports) {
    const d2 = r.mse * base.sizes[layer] * base.sizes[layer + 1];
    diff += d2;
    if (r.relativeFrobenius > 0) norm += d2 / r.relativeFrobenius ** 2;
  }
  return norm > 0 ? Math.sqrt(diff / norm) : 0;
}
