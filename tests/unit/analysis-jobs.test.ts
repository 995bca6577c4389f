// The /which-rank/ worker jobs on a small base: sweeps stream progress and keep
// finished results when stopped; the subspace and ΔW-vs-W analyses return
// well-formed, bounded numbers and never modify the shared base.
import { beforeAll, describe, expect, it } from 'vitest';
import { Mlp, tf } from '../../src/engine/index';
import { useWasm } from './helpers';
import { fake } from './fake-resources';


const { jobs } = await import('../../src/worker/jobs/whichrank');
const { JobContext, JobStopped } = await import('../../src/worker/context');

let base: Mlp;
beforeAll(async () => {
  await useWasm();
  base = Mlp.random([784, 80, 72, 10], 4); // layer 1 is 80×784, layer 2 72×80: both hold a rank-64 adapter
  fake.base = base;
});
const snapshot = (m: Mlp) => m.readWeights().map((w) => Array.from(w.kernel));

describe('sweep', () => {
  it('runs each configuration in turn and streams start, step and result events', async () => {
    const events: { kind: string; index: number; total: number }[] = [];
    const ctx = new JobContext((e) => events.push(e as never), new Map(), fake);
    const runs = [
      { key: 'rotated:r1', task: 'rotated' as const, layers: [0, 1], rank: 1 },
      { key: 'rotated:r4', task: 'rotated' as const, layers: [0, 1], rank: 4 },
    ];
    const results = await jobs.sweep({ session: 's', runs, steps: 10, seed: 1 }, ctx);
    expect(results.map((r) => [r.key, r.rank, r.steps])).toEqual([['rotated:r1', 1, 10], ['rotated:r4', 4, 10]]);
    expect(results[0].params).toBe(1 * (784 + 80) + 1 * (80 + 72));
    expect(results[1].params).toBe(4 * (784 + 80) + 4 * (80 + 72));
    for (const r of results) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    expect(events.filter((e) => e.kind === 'start').map((e) => `${e.index + 1}/${e.total}`)).toEqual(['1/2', '2/2']);
    expect(events.filter((e) => e.kind === 'step').length).toBeGreaterThanOrEqual(4);
    expect(events.filter((e) => e.kind === 'result').length).toBe(2);
  }, 60_000);

  it('stops between steps, keeps what finished, and frees the rest', async () => {
    const { taskData } = fake;
    await Promise.all([taskData('fours', 'train'), taskData('fours', 'test')]); // cached data is not a leak
    const tensors = tf.memory().numTensors;
    const results: unknown[] = [];
    const ctx: InstanceType<typeof JobContext> = new JobContext((e) => {
      const ev = e as { kind: string; index: number; step?: number };
      if (ev.kind === 'result') results.push(ev);
      if (ev.kind === 'step' && ev.index === 1 && (ev.step ?? 0) >= 5) ctx.control('stop');
    }, new Map(), fake);
    const runs = [1, 2, 4].map((rank) => ({ key: `r${rank}`, task: 'fours' as const, layers: [0], rank }));
    await expect(jobs.sweep({ session: 's', runs, steps: 40, seed: 1 }, ctx)).rejects.toBeInstanceOf(JobStopped);
    expect(results.length).toBe(1);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('refuses nonsense settings with a reason', async () => {
    const ctx = new JobContext(() => {}, new Map(), fake);
    await expect(jobs.sweep({ session: 's', runs: [], steps: 10, seed: 1 }, ctx)).rejects.toThrow(/at least one run/);
    await expect(jobs.sweep({ session: 's', runs: [{ key: 'x', task: 'fours', layers: [0], rank: 1 }], steps: 0, seed: 1 }, ctx)).rejects.toThrow(/Steps must be/);
  });
});

describe('analyses', () => {
  it('computes φ grids in [0, 1] for r = 8 vs 64 and two seeds, and ΔW against W, reusing the trained adapters', async () => {
    const before = snapshot(base);
    const session = new Map<string, unknown>();
    const trains: { rank: number; seed: number }[] = [];
    const ctx = () => new JobContext((e) => {
      const ev = e as { kind: string; rank: number; seed: number; step: number; steps: number };
      if (ev.kind === 'train' && ev.step === ev.steps) trains.push({ rank: ev.rank, seed: ev.seed });
    }, session, fake);
    const p = { session: 's', task: 'rotated' as const, layer: 0, steps: 10, seed: 3 };
    const sub = await jobs.subspace(p, ctx());
    expect(sub.k).toBe(784);
    expect(sub.ranks.length).toBe(8 * 64);
    expect(sub.seeds.length).toBe(64 * 64);
    for (const g of [sub.ranks, sub.seeds, sub.random]) for (const x of g) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1 + 1e-9);
    }
    // With i = j = 64 the two 64-dimensional subspaces of R^784 are compared whole; two random ones overlap ≈ 64/784.
    expect(sub.random[64 * 64 - 1]).toBeGreaterThan(0.04);
    expect(sub.random[64 * 64 - 1]).toBeLessThan(0.13);
    expect(trains).toEqual([{ rank: 8, seed: 3 }, { rank: 64, seed: 3 }, { rank: 64, seed: 4 }]);

    const dw = await jobs.deltaVsW(p, ctx());
    // Only the rank-4 adapter is new: the rank-64, seed-3 one is reused.
    expect(trains.slice(3)).toEqual([{ rank: 4, seed: 3 }]);
    expect([dw.d, dw.k]).toEqual([80, 784]);
    const w0 = Array.from(base.layers[0].kernel.dataSync());
    expect(dw.wNorm).toBeCloseTo(Math.sqrt(w0.reduce((s, x) => s + x * x, 0)), 3);
    expect(dw.comparisons.map((c) => c.rank)).toEqual([4, 64]);
    for (const c of dw.comparisons) {
      // W's own top-r directions capture the most of W; the amplification is ‖ΔW‖ over ΔW's share.
      expect(c.projW).toBeGreaterThanOrEqual(c.projDelta);
      expect(c.projW).toBeLessThanOrEqual(dw.wNorm + 1e-6);
      expect(c.amplification).toBeCloseTo(c.deltaNorm / c.projDelta, 10);
      expect(Number.isFinite(c.projRandom)).toBe(true);
    }
    expect(snapshot(base)).toEqual(before);
  }, 120_000);

  it('refuses the 10-output layer', async () => {
    const ctx = new JobContext(() => {}, new Map(), fake);
    await expect(jobs.subspace({ session: 's', task: 'fours', layer: 2, steps: 5, seed: 1 }, ctx)).rejects.toThrow(/layer 1 or 2/);
  });
});
