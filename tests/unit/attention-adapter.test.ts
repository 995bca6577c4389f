// attention.adapter: the trained adapter switched off and on again without retraining (issue 17, "adapter on/off").
import { beforeAll, describe, expect, it } from 'vitest';
import { Gpt } from '../../src/engine/gpt';
import { JobContext } from '../../src/worker/context';
import { jobs } from '../../src/worker/jobs/attention';
import { fake } from './fake-resources';
import { useWasm } from './helpers';

beforeAll(async () => {
  await useWasm();
  fake.gpt = Gpt.random(undefined, 3);
});

const ctx = (session = new Map<string, unknown>()) => new JobContext(() => undefined, session, fake);
const params = { session: 's', country: 'PL', targets: ['q', 'v'] as ('q' | 'v')[], rank: 2, alpha: 4, learningRate: 0.05, steps: 10, seed: 1, batchSize: 4 };
const sampling = { session: 's', n: 6, seed: 2, temperature: 1 };

describe('attention.adapter', () => {
  it('refuses to switch when nothing is trained', async () => {
    await expect(jobs.adapter({ session: 's', on: false }, ctx())).rejects.toThrow(/no trained adapter to switch on or off yet: train one first/);
  });

  it('off gives the base back (samples and held-out loss), on gives the adapted model back, with nothing retrained', async () => {
    const session = new Map<string, unknown>();
    const trained = await jobs.train(params, ctx(session));
    const adapted = await jobs.sample(sampling, ctx(session));
    expect(adapted.adapted).not.toEqual(adapted.base);

    const off = await jobs.adapter({ session: 's', on: false }, ctx(session));
    expect(off).toEqual({ on: false, step: 10, heldOut: trained.baseLoss, baseLoss: trained.baseLoss });
    const sampledOff = await jobs.sample(sampling, ctx(session));
    expect(sampledOff.adapted).toEqual(adapted.base);
    expect(sampledOff.step).toBe(10);

    const on = await jobs.adapter({ session: 's', on: true }, ctx(session));
    expect(on.on).toBe(true);
    expect(on.step).toBe(10);
    expect(on.heldOut).toBeCloseTo(trained.heldOut, 5);
    expect((await jobs.sample(sampling, ctx(session))).adapted).toEqual(adapted.adapted);
  });

  it('training more and keeping both apply the adapter again', async () => {
    const session = new Map<string, unknown>();
    await jobs.train(params, ctx(session));
    await jobs.adapter({ session: 's', on: false }, ctx(session));
    const more = await jobs.train({ ...params, steps: 12 }, ctx(session));
    expect(more.step).toBe(12);
    expect(more.heldOut).not.toBe(more.baseLoss);
    const adapted = (await jobs.sample(sampling, ctx(session))).adapted;
    await jobs.adapter({ session: 's', on: false }, ctx(session));
    await jobs.keep({ session: 's' }, ctx(session));
    expect((await jobs.sampleKept(sampling, ctx(session))).adapters[0].words).toEqual(adapted);
    await expect(jobs.adapter({ session: 's', on: true }, ctx(session))).rejects.toThrow(/train one first/);
  });
});
