// The /merge-and-switch/ jobs on a small base: merge into a clone and unmerge
// (outputs agree, weights come back, the shared base is never touched), task
// switching, and adapters as files (round trip and refusals).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdapterFileError, LoraModel, Mlp, loadBaseModel, packBaseModel, tf,
} from '../../src/engine/index';
import { useWasm } from './helpers';
import { fake } from './fake-resources';


const { jobs, copyAdapter, mergeRoundTrip, summarize } = await import('../../src/worker/jobs/merge');
const { JobContext, JobStopped } = await import('../../src/worker/context');

let base: Mlp;
beforeAll(async () => {
  await useWasm();
  base = Mlp.random([784, 24, 16, 10], 3);
  fake.base = base;
});

const snapshot = (m: Mlp) => m.readWeights().map((w) => [Array.from(w.kernel), Array.from(w.bias)]);

function trainedAdapters(seed: number) {
  const model = LoraModel.withAdapters(base, [0, 1, 2], { rank: 4, alpha: 8 }, seed);
  for (const a of model.adapters) if (a) tf.tidy(() => a.Bt.assign(tf.randomNormal(a.Bt.shape, 0, 0.3, 'float32', seed)));
  return model;
}

describe('merge and unmerge', () => {
  it('merges into a clone: outputs agree to ~1e-6, unmerging restores W₀, the base is untouched', async () => {
    const before = snapshot(base);
    const tensorsBefore = tf.memory().numTensors;
    const model = trainedAdapters(5);
    const clone = await base.clone();
    const x = tf.tidy(() => tf.randomUniform([32, 784], 0, 1, 'float32', 1)) as tf.Tensor2D;
    const check = await mergeRoundTrip(base, clone, model.adapters, x);
    expect(check.mergedVsUnmerged).toBeLessThan(1e-5);
    expect(check.restoredWeights).toBeLessThan(1e-6);
    expect(check.restoredOutputs).toBeLessThan(1e-5);
    // ΔW is not zero, so the comparison means something: the adapted outputs differ from the base's.
    const changed = tf.tidy(() => tf.max(tf.abs(tf.sub(model.forward(x), new LoraModel(base).forward(x)))).dataSync()[0]);
    expect(changed).toBeGreaterThan(1e-2);
    expect(model.adapters.every((a) => a && !a.merged)).toBe(true);
    expect(snapshot(base)).toEqual(before);
    x.dispose();
    clone.dispose();
    model.disposeAdapters();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('summarizes timings by median and quartiles', () => {
    expect(summarize([5, 1, 3, 2, 4])).toEqual({ median: 3, q1: 2, q3: 4 });
    expect(summarize([1, 2, 3, 4])).toEqual({ median: 2.5, q1: 1.75, q3: 3.25 });
  });

  it('copies an adapter into independent tensors', async () => {
    const model = trainedAdapters(6);
    const a = model.adapters[1]!;
    const c = await copyAdapter(a);
    expect(Array.from(c.Bt.dataSync())).toEqual(Array.from(a.Bt.dataSync()));
    c.Bt.assign(tf.zerosLike(c.Bt));
    expect(tf.tidy(() => tf.max(tf.abs(a.Bt)).dataSync()[0])).toBeGreaterThan(0);
    c.dispose();
    model.disposeAdapters();
  });

  it('the latency job times base, unmerged and merged, checks the round trip and leaves the base as it was', async () => {
    const before = snapshot(base);
    const events: { kind: string }[] = [];
    const ctx = new JobContext((e) => events.push(e as { kind: string }), new Map(), fake);
    const res = await jobs.latency({ session: 's', task: 'rotated', steps: 3, seed: 1, repeats: 3 }, ctx);
    expect(res.timings.map((t) => t.batch)).toEqual([1, 64]);
    for (const t of res.timings) {
      for (const v of [t.base, t.unmerged, t.merged]) {
        expect(v.median).toBeGreaterThan(0);
        expect(v.q1).toBeLessThanOrEqual(v.median);
        expect(v.q3).toBeGreaterThanOrEqual(v.median);
      }
    }
    expect(res.check.mergedVsUnmerged).toBeLessThan(1e-5);
    expect(res.check.restoredWeights).toBeLessThan(1e-6);
    expect(res.score.merged).toBeCloseTo(res.score.unmerged, 6);
    expect(events.some((e) => e.kind === 'step')).toBe(true);
    expect(events.filter((e) => e.kind === 'timing').length).toBe(6);
    expect(snapshot(base)).toEqual(before);
    // Another setting trains a new adapter and frees the old one; going back trains afresh.
    const tensors = tf.memory().numTensors;
    await jobs.latency({ session: 's', task: 'rotated', steps: 4, seed: 1, repeats: 3 }, ctx);
    expect(tf.memory().numTensors).toBe(tensors);
    await jobs.latency({ session: 's', task: 'rotated', steps: 3, seed: 1, repeats: 3 }, ctx);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);
});

describe('task switching and adapter files', () => {
  it('trains per-task adapters, swaps them into one base, and the rows differ', async () => {
    const session = new Map<string, unknown>();
    const cells: { row: string; column: string; value: number }[] = [];
    const ctx = () => new JobContext((e) => { if ((e as { kind: string }).kind === 'cell') cells.push(e as never); }, session, fake);
    const rot = await jobs.train({ session: 's', task: 'rotated', steps: 20, seed: 1 }, ctx());
    expect(rot).toMatchObject({ slot: 'rotated', task: 'rotated', rank: 8, steps: 20 });
    expect(rot.params).toBe(8 * (784 + 24) + 8 * (24 + 16) + 8 * (16 + 10));
    const none = await jobs.use({ session: 's', slot: 'none' }, ctx());
    const used = await jobs.use({ session: 's', slot: 'rotated' }, ctx());
    expect(Object.keys(used.row)).toEqual(['original', 'fours', 'rotated', 'inverted']);
    expect(cells.filter((c) => c.row === 'rotated').length).toBe(4);
    expect(used.row.rotated).not.toBe(none.row.rotated);
    await expect(jobs.use({ session: 's', slot: 'inverted' }, ctx())).rejects.toThrow(/has not been trained yet/);
  }, 60_000);

  it('saves an adapter, loads it back with the same behaviour, and refuses bad files without breaking the session', async () => {
    const session = new Map<string, unknown>();
    const ctx = () => new JobContext(() => {}, session, fake);
    await jobs.train({ session: 's', task: 'fours', steps: 5, seed: 2 }, ctx());
    const saved = await jobs.save({ session: 's', slot: 'fours' }, ctx());
    expect(saved.bytes.length).toBeLessThan(4 * 8 * (784 + 24 + 24 + 16 + 16 + 10) + 1000);
    const loaded = await jobs.load({ session: 's', bytes: saved.bytes }, ctx());
    expect(loaded).toMatchObject({ slot: 'uploaded', task: 'fours', rank: 8, steps: 5, bytes: saved.bytes.length });
    const a = await jobs.use({ session: 's', slot: 'fours' }, ctx());
    const b = await jobs.use({ session: 's', slot: 'uploaded' }, ctx());
    expect(b.row).toEqual(a.row);

    const tensors = tf.memory().numTensors;
    // Damaged: an array cut off.
    await expect(jobs.load({ session: 's', bytes: saved.bytes.slice(0, saved.bytes.length - 40) }, ctx())).rejects.toThrow(AdapterFileError);
    // Not an adapter at all: a base model file, and random bytes.
    const baseFile = packBaseModel(base.readWeights(), { sizes: [...base.sizes], testAccuracy: 0, perDigitAccuracy: [], trainedOn: '', command: '', seed: 0 });
    await expect(jobs.load({ session: 's', bytes: baseFile }, ctx())).rejects.toThrow(/does not start with "LLAD"/);
    await expect(jobs.load({ session: 's', bytes: new Uint8Array(3) }, ctx())).rejects.toThrow(/too short/);
    // For another base with the same shapes.
    const other = loadBaseModel(baseFile).model; // same weights, but fingerprinted from its file bytes
    fake.base = other;
    try {
      await expect(jobs.load({ session: 's', bytes: saved.bytes }, ctx())).rejects.toThrow(/different base model/);
    } finally {
      fake.base = base;
      other.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    // The session still works, with the earlier upload still in place.
    const again = await jobs.use({ session: 's', slot: 'uploaded' }, ctx());
    expect(again.row).toEqual(a.row);
  }, 60_000);

  it('stops a training run on request', async () => {
    const ctx = new JobContext(() => ctx.control('stop'), new Map(), fake);
    await expect(jobs.train({ session: 's', task: 'inverted', steps: 500, seed: 1 }, ctx)).rejects.toBeInstanceOf(JobStopped);
  }, 60_000);
});
