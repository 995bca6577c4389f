// Issue 15: on WebGPU's software adapter a synchronous read (dataSync, arraySync, bufferSync) throws
// SYNC_READ_BROKEN (guardSyncReads). Here every synchronous read made through tfjs's engine throws the
// same way, on the CPU backend, and the jobs of /delta-w/, /merge-and-switch/ (merge, task switching,
// adapter files), /alpha-r/, /why-peft/'s latency, /qlora/ and /qa-lora/, the /which-rank/ analyses, /attention/
// and /intrinsic-dimension/ run through their context fake: each must read its results asynchronously, as it
// will on a GPU. Subspace training runs on a stand-in for a GPU backend (the CPU's kernels under another name):
// on WASM and CPU it takes its 'js' path, whose reads are copies of JavaScript memory, not GPU read-backs.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Mlp, tf } from '../../src/engine/index';
import { refuseSyncReads, SYNC_READ_BROKEN, type SyncReader } from '../../src/engine/calibrate';
import { JobContext } from '../../src/worker/context';
import { jobs as lora } from '../../src/worker/jobs/lora';
import { jobs as alphar } from '../../src/worker/jobs/alphar';
import { jobs as deltaW } from '../../src/worker/jobs/delta-w';
import { jobs as merge } from '../../src/worker/jobs/merge';
import { jobs as whichRank } from '../../src/worker/jobs/whichrank';
import { jobs as peft } from '../../src/worker/jobs/peft';
import { jobs as qlora } from '../../src/worker/jobs/qlora';
import { jobs as attention } from '../../src/worker/jobs/attention';
import { jobs as intrinsic } from '../../src/worker/jobs/intrinsic';
import { Gpt } from '../../src/engine/gpt';
import { fake } from './fake-resources';
import { taskDataFrom } from '../../src/worker/resources';
import { useWasm } from './helpers';

let restore: (() => void) | null = null;
beforeAll(async () => {
  await tf.setBackend('cpu');
  fake.base = Mlp.random([784, 72, 16, 10], 7); // layer 1 is 72×784: it holds the rank-64 adapters of the analyses
  fake.gpt = Gpt.random(undefined, 3);
  // Task data is made (and cached) before reads are refused: it is the fake's, not the jobs'.
  await Promise.all((['rotated', 'fours', 'original'] as const).flatMap((t) => [fake.taskData(t, 'train'), fake.taskData(t, 'test')]));
}, 60_000);
beforeEach(() => {
  restore = refuseSyncReads(tf.engine() as unknown as SyncReader);
});
afterEach(() => {
  restore?.();
  restore = null;
});
afterAll(async () => {
  fake.base.dispose();
  fake.gpt.dispose();
  await useWasm();
}, 60_000);

const ctxFor = (session = new Map<string, unknown>()) => new JobContext(() => {}, session, fake);

describe('the guard', () => {
  it('refuses dataSync, arraySync and bufferSync, lets data() through, and is removed again', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    expect(() => t.dataSync()).toThrow(SYNC_READ_BROKEN);
    expect(() => t.arraySync()).toThrow(SYNC_READ_BROKEN);
    expect(() => t.bufferSync()).toThrow(SYNC_READ_BROKEN);
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
    restore!();
    restore = null;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    t.dispose();
  });
});

describe('jobs read asynchronously', () => {
  it('alphar.train', async () => {
    const r = await alphar.train({ task: 'fours', layers: [0], rank: 2, alpha: 4, scaling: 'alpha/r', optimizer: 'adam', learningRate: 1e-2, steps: 2, seed: 1, reportEvery: 1 }, ctxFor());
    expect(r.layerNorms[0].norm).toBeGreaterThan(0);
    expect(r.layerNorms[0].w0Norm).toBeGreaterThan(0);
  }, 60_000);

  it('lora.train, then delta-w analyse and merge on its run', async () => {
    const session = new Map<string, unknown>();
    await lora.train({ session: 's', task: 'rotated', mode: 'lora', layers: [0], rank: 2, alpha: 4, learningRate: 1e-2, steps: 2, seed: 1 }, ctxFor(session));
    const a = await deltaW.analyse({ session: 's', layer: 0, rank: 2 }, ctxFor(session));
    expect(a.frobenius).toBeGreaterThan(0);
    expect(a.w0Frobenius).toBeGreaterThan(0);
    const m = await deltaW.merge({ session: 's', batch: 4, samples: 3 }, ctxFor(session));
    expect(m.maxAbsDiff).toBeLessThan(1e-3 * Math.max(1, m.maxAbs));
    await lora.reset({ session: 's' }, ctxFor(session));
  }, 60_000);

  it('merge.latency, train, use, save and load', async () => {
    const session = new Map<string, unknown>();
    const latency = await merge.latency({ session: 's', task: 'rotated', steps: 2, seed: 1, repeats: 3 }, ctxFor(session));
    expect(latency.check.mergedVsUnmerged).toBeLessThan(1e-5);
    await merge.train({ session: 's', task: 'fours', steps: 2, seed: 1 }, ctxFor(session));
    const used = await merge.use({ session: 's', slot: 'fours' }, ctxFor(session));
    const saved = await merge.save({ session: 's', slot: 'fours' }, ctxFor(session));
    await merge.load({ session: 's', bytes: saved.bytes }, ctxFor(session));
    expect((await merge.use({ session: 's', slot: 'uploaded' }, ctxFor(session))).row).toEqual(used.row);
  }, 60_000);

  it('peft.latency (/why-peft/)', async () => {
    const r = await peft.latency({ after: 0, bottleneck: 4, samples: 3, batches: [1], seed: 1 }, ctxFor());
    expect(r.mergeMaxAbsDiff).toBeLessThan(1e-3);
  }, 60_000);

  it('qlora: layer, sweep, evaluate, train and compare (/qlora/, /qa-lora/)', async () => {
    await qlora.layer({ layer: 0, format: 'NF4', blockSize: 64 }, ctxFor());
    await qlora.sweep({ formats: ['NF4'], blocks: [64], doubleQuant: true }, ctxFor());
    const session = new Map<string, unknown>();
    await qlora.evaluate({ session: 's', task: 'rotated' }, ctxFor(session));
    await qlora.train({ session: 's', task: 'rotated', rank: 2, steps: 2, seed: 1 }, ctxFor(session));
    await qlora.reset({ session: 's' }, ctxFor(session));
    const r = await qlora.compare({ task: 'rotated', groupTarget: 16, bits: 4, rank: 2, steps: 2, seed: 3 }, ctxFor());
    expect(r.qalora.grid.offGrid).toBe(0);
  }, 120_000);

  it('which-rank: subspace similarity and ΔW against W', async () => {
    const session = new Map<string, unknown>();
    const p = { session: 's', task: 'rotated' as const, layer: 0, steps: 2, seed: 1 };
    const sub = await whichRank.subspace(p, ctxFor(session));
    expect(sub.ranks.length).toBe(8 * 64);
    const dw = await whichRank.deltaVsW(p, ctxFor(session));
    expect(dw.wNorm).toBeGreaterThan(0);
    expect(dw.comparisons.map((c) => c.rank)).toEqual([4, 64]);
    await whichRank.reset({ session: 's' }, ctxFor(session));
  }, 120_000);
});

describe('attention jobs read asynchronously (/attention/)', () => {
  const params = { session: 's', country: 'PL', targets: ['q', 'v'] as ('q' | 'v')[], rank: 2, alpha: 4, learningRate: 0.01, steps: 7, seed: 1, batchSize: 4, evalEvery: 5 };

  it('info, baseLoss, train (losses read once per report), sample, attention, adapter, keep and sampleKept', async () => {
    const session = new Map<string, unknown>();
    await attention.info({}, ctxFor(session));
    const { baseLoss } = await attention.baseLoss({ country: 'PL' }, ctxFor(session));
    expect(Number.isFinite(baseLoss)).toBe(true);
    const events: { kind: string; step: number; loss?: number; heldOut?: number }[] = [];
    const r = await attention.train(params, new JobContext((e) => events.push(e as never), session, fake));
    expect(r.step).toBe(7);
    // Reports after 5 steps and at the last (7th), each the mean over its own steps; an eval at 5 and at the end.
    expect(events.map((e) => `${e.kind}@${e.step}`)).toEqual(['step@5', 'eval@5', 'step@7', 'eval@7']);
    for (const e of events) expect(Number.isFinite(e.loss ?? e.heldOut)).toBe(true);
    const sample = await attention.sample({ session: 's', n: 3, seed: 2, temperature: 1 }, ctxFor(session));
    expect(sample.base).toHaveLength(3);
    expect(sample.adapted).toHaveLength(3);
    const maps = await attention.attention({ session: 's', word: 'lodz', layer: 0, head: 0 }, ctxFor(session));
    for (const row of maps.adapted!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect((await attention.adapter({ session: 's', on: true }, ctxFor(session))).heldOut).toBe(r.heldOut);
    await attention.keep({ session: 's' }, ctxFor(session));
    const kept = await attention.sampleKept({ session: 's', n: 3, seed: 2, temperature: 1 }, ctxFor(session));
    expect(kept.adapters[0].words).toEqual(sample.adapted);
    await attention.reset({ session: 's' }, ctxFor(session));
  }, 120_000);

  it('budget', async () => {
    const r = await attention.budget({ country: 'PL', configs: [{ targets: ['q'], rank: 1 }], steps: 2, seed: 1 }, ctxFor());
    expect(r.done).toBe(1);
  }, 60_000);
});

describe('subspace training reads asynchronously on a GPU backend (/intrinsic-dimension/)', () => {
  const STAND_IN = 'gpu-stand-in';
  beforeAll(async () => {
    if (!tf.findBackendFactory(STAND_IN)) {
      tf.registerBackend(STAND_IN, tf.findBackendFactory('cpu')!);
      for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: STAND_IN });
    }
    await tf.setBackend(STAND_IN);
  }, 60_000);
  // Task data of its own, made on the stand-in: the fake's cached tensors live on 'cpu', and moving them
  // across would read them synchronously.
  const resources = { ...fake, taskData: taskDataFrom(fake.digits) };
  const ctxHere = (session: Map<string, unknown>) => new JobContext(() => {}, session, resources);
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('train, continue, sweep and reset', async () => {
    const session = new Map<string, unknown>();
    const p = { session: 's', mode: 'subspace' as const, d: 20, steps: 5, seed: 1 };
    const r = await intrinsic.train(p, ctxHere(session));
    expect(r.step).toBe(5);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect((await intrinsic.train({ ...p, steps: 6 }, ctxHere(session))).step).toBe(6);
    const sweep = await intrinsic.sweep({ session: 's', ds: [20], steps: 2, seed: 1 }, ctxHere(session));
    expect(sweep.points).toHaveLength(1);
    await intrinsic.reset({ session: 's' }, ctxHere(session));
  }, 120_000);
});
