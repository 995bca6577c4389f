// The /attention/ worker jobs with a small random base and a handful of names standing in for the site's files.
import { beforeAll, describe, expect, it } from 'vitest';
import { Gpt } from '../../src/engine/gpt';
import { JobContext } from '../../src/worker/context';
import { jobs } from '../../src/worker/jobs/attention';
import { fake } from './fake-resources';
import { useWasm } from './helpers';

// The context fake's resources: a small random base (fake.gpt) and its handful of Polish names (fake.wordsData).
beforeAll(async () => {
  await useWasm();
  fake.gpt = Gpt.random(undefined, 3);
});

const ctx = (session = new Map<string, unknown>(), events: unknown[] = []) => new JobContext((e) => events.push(e), session, fake);
const params = { session: 's', country: 'PL', targets: ['q', 'v'] as ('q' | 'v')[], rank: 2, alpha: 4, learningRate: 0.01, steps: 10, seed: 1, batchSize: 4 };

describe('attention jobs', () => {
  it('train, continue, stop, keep and sample on one frozen base', async () => {
    const session = new Map<string, unknown>();
    const events: { kind: string }[] = [];
    const r = await jobs.train(params, ctx(session, events));
    expect(r.step).toBe(10);
    expect(r.trainableParams).toBe(2 * 2 * 2 * 128);
    expect(Number.isFinite(r.heldOut) && Number.isFinite(r.baseLoss)).toBe(true);
    expect(events.filter((e) => e.kind === 'step').length).toBe(2);
    // Same settings: training continues where it stopped.
    expect((await jobs.train({ ...params, steps: 15 }, ctx(session))).step).toBe(15);
    // A stopped job ends between steps and keeps what was learned.
    const stopped = ctx(session);
    stopped.control('stop');
    const s = await jobs.train({ ...params, steps: 30 }, stopped);
    expect(s).toMatchObject({ step: 15, stopped: true });
    // After training there are adapted samples; kept, the same adapter gives the same words.
    const samples = await jobs.sample({ session: 's', n: 4, seed: 2, temperature: 1 }, ctx(session));
    expect(samples.adapted).toHaveLength(4);
    const kept = await jobs.keep({ session: 's' }, ctx(session));
    expect(kept.kept).toEqual([{ code: 'PL', params: 1024, step: 15 }]);
    expect((await jobs.sampleKept({ session: 's', n: 4, seed: 2, temperature: 1 }, ctx(session))).adapters[0].words).toEqual(samples.adapted);
    // The next run starts afresh.
    expect((await jobs.sample({ session: 's', n: 2, seed: 2, temperature: 1 }, ctx(session))).adapted).toBeNull();
    await expect(jobs.keep({ session: 's' }, ctx(session))).rejects.toThrow(/Train an adapter first/);
  });

  it('refuses bad settings with a clear message', async () => {
    await expect(jobs.train({ ...params, targets: [] }, ctx())).rejects.toThrow(/at least one matrix/);
    await expect(jobs.train({ ...params, rank: 0 }, ctx())).rejects.toThrow(/Rank must be/);
    await expect(jobs.train({ ...params, country: 'XX' }, ctx())).rejects.toThrow(/no place names for "XX"/);
  });

  it('budget: one fresh adapter per configuration, each measured', async () => {
    const events: { kind: string; heldOut?: number; params?: number }[] = [];
    const r = await jobs.budget({ country: 'PL', configs: [{ targets: ['q'], rank: 4 }, { targets: ['q', 'v'], rank: 2 }], steps: 5, seed: 0 }, ctx(new Map(), events));
    expect(r.done).toBe(2);
    const done = events.filter((e) => e.kind === 'config');
    expect(done.map((e) => e.params)).toEqual([1024, 1024]);
    for (const e of done) expect(e.heldOut).toBeGreaterThan(0);
  });
});

describe('attention pattern job', () => {
  it('returns causal rows that sum to 1, and refuses a bad word', async () => {
    const r = await jobs.attention({ session: 'x', word: 'Lodz', layer: 1, head: 2 }, ctx());
    expect(r.chars).toEqual(['·', 'l', 'o', 'd', 'z']);
    expect(r.adapted).toBeNull();
    r.base.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      for (let j = i + 1; j < row.length; j++) expect(row[j]).toBe(0);
    });
    await expect(jobs.attention({ session: 'x', word: 'łódź', layer: 0, head: 0 }, ctx())).rejects.toThrow(/letters a–z/);
    await expect(jobs.attention({ session: 'x', word: 'abc', layer: 5, head: 0 }, ctx())).rejects.toThrow(/no block 6/);
  });
});
