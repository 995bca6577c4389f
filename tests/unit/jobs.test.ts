// The worker jobs without a test file of their own (lora, alphar, delta-w, peft, spectrum, intrinsic), run
// as the worker runs them but on a small base and synthetic digits handed in through the context
// (tests/unit/fake-resources.ts): no module is mocked. Tiny shapes and a few steps keep this fast; what
// is checked is the contract each job keeps (shapes, ranges, events, session state, the shared base left
// alone, tensors freed), not accuracy.
import { beforeAll, describe, expect, it } from 'vitest';
import { Mlp, tf } from '../../src/engine/index';
import { JobContext } from '../../src/worker/context';
import { jobs as lora } from '../../src/worker/jobs/lora';
import { jobs as alphar } from '../../src/worker/jobs/alphar';
import { jobs as deltaW } from '../../src/worker/jobs/delta-w';
import { jobs as peft } from '../../src/worker/jobs/peft';
import { jobs as spectrum } from '../../src/worker/jobs/spectrum';
import { jobs as intrinsic } from '../../src/worker/jobs/intrinsic';
import type { TrainParams } from '../../src/api/lora';
import { fake } from './fake-resources';
import { useWasm } from './helpers';

let base: Mlp;
beforeAll(async () => {
  await useWasm();
  base = Mlp.random([784, 24, 16, 10], 5);
  fake.base = base;
});
const weights = (m: Mlp) => m.readWeights().map((w) => Array.from(w.kernel));
const ctxFor = <E>(events: E[] = [], session = new Map<string, unknown>()) => new JobContext<E>((e) => events.push(e), session, fake);
const train = (over: Partial<TrainParams> = {}): TrainParams => ({
  session: 's', task: 'rotated', mode: 'lora', layers: [0, 1], rank: 2, alpha: 4, learningRate: 1e-2, steps: 4, seed: 1, ...over,
});

describe('lora jobs', () => {
  it('train streams steps and a final evaluation, continues the same run, and reset frees it', async () => {
    await Promise.all([fake.taskData('rotated', 'train'), fake.taskData('rotated', 'test')]);
    const tensors = tf.memory().numTensors;
    const before = weights(base);
    const session = new Map<string, unknown>();
    const events: { kind: string; step: number }[] = [];
    const r = await lora.train(train({ evalEvery: 2 }), ctxFor(events, session));
    expect(r.step).toBe(4);
    expect(r.trainableParams).toBe(2 * (784 + 24) + 2 * (24 + 16));
    expect(r.evaluation.score).toBeGreaterThanOrEqual(0);
    expect(r.evaluation.score).toBeLessThanOrEqual(1);
    expect(events.filter((e) => e.kind === 'step').length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.kind === 'eval').map((e) => e.step)).toEqual([2, 4]);
    // Same settings, more steps: the run continues from step 4.
    const more = await lora.train(train({ steps: 6 }), ctxFor([], session));
    expect(more.step).toBe(6);
    // Adapter off gives the base's own answers; the base itself never changed.
    const off = await lora.evaluate({ session: 's', task: 'rotated', adapter: false }, ctxFor([], session));
    const plain = await lora.evaluate({ session: 'other', task: 'rotated' }, ctxFor());
    expect(off.accuracy).toBe(plain.accuracy);
    expect(weights(base)).toEqual(before);
    await lora.reset({ session: 's' }, ctxFor([], session));
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('full fine-tuning trains a copy of the base; no layer to adapt is refused', async () => {
    const before = weights(base);
    const session = new Map<string, unknown>();
    const r = await lora.train(train({ mode: 'full', steps: 2 }), ctxFor([], session));
    expect(r.trainableParams).toBe(784 * 24 + 24 + 24 * 16 + 16 + 16 * 10 + 10);
    expect(weights(base)).toEqual(before);
    await lora.reset({ session: 's' }, ctxFor([], session));
    await expect(lora.train(train({ layers: [] }), ctxFor())).rejects.toThrow(/at least one layer/);
  }, 60_000);
});

describe('alphar.train', () => {
  it('returns the loss curve, the update norms per layer and the scale α/r or α/√r, and frees its tensors', async () => {
    await Promise.all([fake.taskData('fours', 'train'), fake.taskData('fours', 'test')]);
    const p = { task: 'fours' as const, layers: [0], rank: 4, alpha: 8, scaling: 'alpha/r' as const, optimizer: 'adam' as const, learningRate: 1e-2, steps: 4, seed: 2, reportEvery: 2 };
    await alphar.train(p, ctxFor()); // the first call also measures the base's score once
    const tensors = tf.memory().numTensors;
    const events: { step: number; loss: number }[] = [];
    const r = await alphar.train(p, ctxFor(events));
    expect(r.scale).toBe(2);
    expect(r.losses.map((l) => l.step)).toEqual(events.map((e) => e.step));
    expect(r.layerNorms.map((l) => l.layer)).toEqual([0]);
    expect(r.totalNorm).toBeCloseTo(r.layerNorms[0].norm, 6);
    expect(r.totalNorm).toBeGreaterThan(0);
    expect(r.baseScore).toBeGreaterThanOrEqual(0);
    const sqrt = await alphar.train({ ...p, scaling: 'alpha/sqrt(r)' }, ctxFor());
    expect(sqrt.scale).toBe(4);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);
});

describe('delta-w jobs', () => {
  it('analyse reads the session run (step 0 before any): σ from the factors agrees with ‖ΔW‖_F; merge matches unmerged', async () => {
    const session = new Map<string, unknown>();
    expect((await deltaW.analyse({ session: 's', layer: 0, rank: 2 }, ctxFor([], session))).step).toBe(0); // nothing trained yet
    await lora.train(train({ layers: [0], rank: 3, steps: 3 }), ctxFor([], session));
    const a = await deltaW.analyse({ session: 's', layer: 0, rank: 3 }, ctxFor([], session));
    expect([a.d, a.k, a.rank]).toEqual([24, 784, 3]);
    expect(a.sigma).toHaveLength(3);
    expect(a.numericalRank).toBeLessThanOrEqual(3);
    expect(a.frobeniusFromSigma).toBeCloseTo(a.frobenius, 4);
    expect(a.heat.w0).toHaveLength(a.heat.rows.length * a.heat.cols.length);
    const before = weights(base);
    const m = await deltaW.merge({ session: 's', batch: 8, samples: 3 }, ctxFor([], session));
    expect(m.batch).toBe(8);
    expect(m.maxAbsDiff).toBeLessThan(1e-3 * Math.max(1, m.maxAbs));
    expect(m.unmergedMs).toBeGreaterThan(0);
    expect(weights(base)).toEqual(before);
    await lora.reset({ session: 's' }, ctxFor([], session));
  }, 60_000);
});

describe('peft.latency', () => {
  it('times the four variants at each batch size; merged and unmerged LoRA agree', async () => {
    const before = weights(base);
    const events: { done: number; total: number }[] = [];
    const r = await peft.latency({ after: 0, bottleneck: 2, batches: [1, 4], samples: 3, seed: 1 }, ctxFor(events));
    expect(r.rows.map((row) => `${row.variant}@${row.batch}`).sort()).toEqual(
      ['adapter@1', 'adapter@4', 'base@1', 'base@4', 'lora@1', 'lora@4', 'merged@1', 'merged@4'],
    );
    for (const row of r.rows) expect(row.medianMs).toBeGreaterThan(0);
    expect(r.loraParams).toBe(2 * (784 + 24));
    expect(r.mergeMaxAbsDiff).toBeLessThan(1e-3);
    expect(events.at(-1)?.done).toBe(events.at(-1)?.total);
    expect(weights(base)).toEqual(before);
    await expect(peft.latency({ after: 5, bottleneck: 2, batches: [1], samples: 3, seed: 1 }, ctxFor())).rejects.toThrow(/hidden layer/);
  }, 60_000);
});

describe('spectrum jobs', () => {
  it('σ(W₀) of a layer: min(d, k) values, descending, with ‖W₀‖_F² = Σσ²', async () => {
    const w = await spectrum.weights({ layer: 1 }, ctxFor());
    expect([w.d, w.k, w.sigma.length]).toEqual([16, 24, 16]);
    for (let i = 1; i < w.sigma.length; i++) expect(w.sigma[i]).toBeLessThanOrEqual(w.sigma[i - 1] + 1e-9);
    const kernel = base.readWeights()[1].kernel;
    const frob2 = kernel.reduce((s, x) => s + x * x, 0);
    expect(w.sigma.reduce((s, x) => s + x * x, 0)).toBeCloseTo(frob2, 2);
    await expect(spectrum.weights({ layer: 3 }, ctxFor())).rejects.toThrow(/no layer 4/);
  });

  it('a digit: 28 singular values whose squares sum to the image energy', async () => {
    const d = await spectrum.digit({ index: 3 }, ctxFor());
    expect(d.label).toBe(3);
    expect(d.sigma).toHaveLength(28);
    const energy = d.image.reduce((s, x) => s + x * x, 0);
    expect(d.sigma.reduce((s, x) => s + x * x, 0)).toBeCloseTo(energy, 6);
    await expect(spectrum.digit({ index: 100 }, ctxFor())).rejects.toThrow(/Choose a digit/);
  });
});

describe('intrinsic jobs', () => {
  it('train in a d-dimensional subspace: d trained parameters, continued in the session, stop and reset', async () => {
    await Promise.all([fake.taskData('original', 'train'), fake.taskData('original', 'test')]);
    const tensors = tf.memory().numTensors;
    const session = new Map<string, unknown>();
    const events: { kind: string }[] = [];
    const p = { session: 's', mode: 'subspace' as const, d: 20, steps: 2, seed: 1 };
    const r = await intrinsic.train(p, ctxFor(events, session));
    expect([r.mode, r.d, r.D, r.trained, r.step]).toEqual(['subspace', 20, 199_210, 20, 2]);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(events.some((e) => e.kind === 'step')).toBe(true);
    expect((await intrinsic.train({ ...p, steps: 3 }, ctxFor([], session))).step).toBe(3);
    const stopping = new JobContext<unknown>(() => stopping.control('stop'), session, fake);
    const stopped = await intrinsic.train({ ...p, steps: 50 }, stopping); // stop keeps what was trained
    expect(stopped.step).toBeLessThan(50);
    await intrinsic.reset({ session: 's' }, ctxFor([], session));
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(intrinsic.train({ ...p, d: 0 }, ctxFor())).rejects.toThrow();
  }, 60_000);
});
