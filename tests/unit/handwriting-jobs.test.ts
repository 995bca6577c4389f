// The /your-handwriting/ worker jobs on a small base: a personal adapter learns a made-up handwriting
// (held-out drawings rise), files round-trip, bad files are refused and change nothing, tensors are freed.
import { beforeAll, describe, expect, it } from 'vitest';
import { Mlp, tf } from '../../src/engine/index';
import { preprocess } from '../../src/core/handwriting/preprocess';
import { addDrawing, pack, type Drawing } from '../../src/core/handwriting/drawings';
import { useWasm } from './helpers';
import { fake } from './fake-resources';
import { drawShape } from './handwriting-shapes';
import { jobs } from '../../src/worker/jobs/handwriting';
import { JobContext } from '../../src/worker/context';

let set: Drawing[] = [];
beforeAll(async () => {
  await useWasm();
  fake.base = Mlp.random([784, 48, 40, 10], 3);
  for (let i = 0; i < 3; i++) {
    for (const label of [2, 4, 7]) {
      const p = preprocess(drawShape(label, i + 1));
      if (p.empty) throw new Error('no ink');
      set = addDrawing(set, label, p.pixels);
    }
  }
});

/** A fresh session holding a rank-2 adapter trained for five steps on the drawings, and that adapter's saved file. */
async function sessionWithSavedAdapter() {
  const session = new Map<string, unknown>();
  const ctx = new JobContext(() => {}, session, fake);
  await jobs.train({ session: 's', train: pack(set, 'train'), heldOut: pack(set, 'heldOut'), rank: 2, steps: 5, seed: 0 }, ctx);
  const saved = await jobs.save({ session: 's' }, ctx);
  return { session, ctx, saved };
}

describe('handwriting jobs', () => {
  it('trains a personal adapter: progress streams, held-out drawings rise to all correct, the file size is reported', async () => {
    const session = new Map<string, unknown>();
    const events: { kind: string; step?: number }[] = [];
    const ctx = new JobContext((e) => events.push(e as never), session, fake);
    const r = await jobs.train({ session: 's', train: pack(set, 'train'), heldOut: pack(set, 'heldOut'), rank: 4, steps: 60, seed: 0 }, ctx);
    expect(r.examples).toBe(6 * 16);
    expect(r.heldOut.adapter).toEqual({ correct: 3, n: 3 });
    expect(r.heldOut.base.correct).toBeLessThan(3);
    expect(r.mnist.base.n).toBe(100);
    expect(events.filter((e) => e.kind === 'step').at(-1)).toMatchObject({ step: 60 });
    expect(events.at(-1)).toEqual({ kind: 'scoring' });
    const saved = await jobs.save({ session: 's' }, ctx);
    expect(saved.bytes.length).toBe(r.fileBytes);

    // The adapter on changes the reading of a held-out drawing; loading its file gives the same numbers.
    const heldImage = pack(set, 'heldOut').images.slice(0, 784);
    const mine = await jobs.predict({ session: 's', pixels: heldImage, adapter: 'mine' }, ctx);
    const base = await jobs.predict({ session: 's', pixels: heldImage, adapter: 'base' }, ctx);
    expect(mine.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(mine.probs.indexOf(Math.max(...mine.probs))).toBe(2);
    expect(mine.probs).not.toEqual(base.probs);
    const loaded = await jobs.load({ session: 's', bytes: saved.bytes, name: 'ada.lora' }, ctx);
    expect(loaded).toMatchObject({ id: 'file-1', name: 'ada.lora', rank: 4, fileBytes: saved.bytes.length });
    const again = await jobs.predict({ session: 's', pixels: heldImage, adapter: loaded.id }, ctx);
    expect(again.probs).toEqual(mine.probs);

    // The classroom table: each adapter on each set.
    const t = await jobs.table({ session: 's', adapters: ['base', 'mine', loaded.id], sets: [pack(set, 'heldOut')] }, ctx);
    expect(t.rows.map((row) => row.sets[0].correct)).toEqual([r.heldOut.base.correct, 3, 3]);

    // A bad file is refused with the reason and the loaded adapters stay as they were.
    const corrupt = saved.bytes.slice(0, 100);
    await expect(jobs.load({ session: 's', bytes: corrupt, name: 'cut.lora' }, ctx)).rejects.toMatchObject({ name: 'AdapterFileError' });
    const ours = fake.base;
    const other = Mlp.random([784, 48, 40, 10], 99); // a classmate's page with another base
    fake.base = other;
    await expect(jobs.load({ session: 's', bytes: saved.bytes, name: 'other.lora' }, ctx)).rejects.toThrow(/different base model/);
    fake.base = ours;
    other.dispose();
    expect([...(session.get('adapters') as Map<string, unknown>).keys()]).toEqual(['mine', 'file-1']);
  });

  it('rejects bad settings with a reason, stops on request, and frees what it made', async () => {
    const session = new Map<string, unknown>();
    const ctx = new JobContext(() => {}, session, fake);
    const p = { session: 's', train: pack(set, 'train'), heldOut: pack(set, 'heldOut'), rank: 3, steps: 10, seed: 0 };
    await expect(jobs.train(p, ctx)).rejects.toThrow(/rank must be one of 1, 2, 4, 8, 16/);
    await expect(jobs.train({ ...p, rank: 2, train: pack([], 'train') }, ctx)).rejects.toThrow(/no training drawings/);
    await expect(jobs.predict({ session: 's', pixels: new Uint8Array(3), adapter: 'base' }, ctx)).rejects.toThrow(/784 pixels/);
    await expect(jobs.predict({ session: 's', pixels: new Uint8Array(784), adapter: 'mine' }, ctx)).rejects.toThrow(/Train your adapter first/);
    const before = tf.memory().numTensors;
    const stopCtx = new JobContext((e) => {
      if ((e as { step?: number }).step === 5) stopCtx.control('stop');
    }, session, fake);
    await expect(jobs.train({ ...p, rank: 2, steps: 200 }, stopCtx)).rejects.toMatchObject({ name: 'JobStopped' });
    expect(tf.memory().numTensors).toBe(before);
    await jobs.train({ ...p, rank: 2, steps: 10 }, ctx);
    await jobs.train({ ...p, rank: 2, steps: 10 }, ctx); // the second replaces (and frees) the first
    const { numTensors } = await jobs.unload({ session: 's', id: 'mine' }, ctx);
    expect(numTensors).toBe(before);
  });

  it('frees the new adapter when measuring it fails after training, and keeps the previous one', async () => {
    const session = new Map<string, unknown>();
    const ctx = new JobContext(() => {}, session, fake);
    const p = { session: 's', train: pack(set, 'train'), heldOut: pack(set, 'heldOut'), rank: 2, steps: 5, seed: 0 };
    await jobs.train(p, ctx);
    await jobs.table({ session: 's', adapters: ['base'], sets: [] }, ctx); // the test digits, cached before counting
    const kept = (session.get('adapters') as Map<string, { adapters: unknown[] }>).get('mine');
    const before = tf.memory().numTensors;
    fake.taskDataError = new Error('The test digits could not be read.');
    try {
      await expect(jobs.train({ ...p, seed: 1 }, ctx)).rejects.toThrow('The test digits could not be read.');
    } finally {
      fake.taskDataError = null;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect((session.get('adapters') as Map<string, unknown>).get('mine')).toBe(kept);
    await jobs.unload({ session: 's', id: 'mine' }, ctx);
  });

  it('runs jobs on the held adapters one at a time: forgetting a file waits for the table that reads it', async () => {
    const { ctx, saved } = await sessionWithSavedAdapter();
    const file = await jobs.load({ session: 's', bytes: saved.bytes, name: 'ada.lora' }, ctx);
    // Both start at once, as the page's cells would: the table must finish with the file's row.
    const table = jobs.table({ session: 's', adapters: ['base', 'mine', file.id], sets: [pack(set, 'heldOut')] }, ctx);
    const unload = jobs.unload({ session: 's', id: file.id }, ctx);
    const t = await table;
    await unload;
    expect(t.rows.map((r) => r.adapter)).toEqual(['base', 'mine', file.id]);
    expect({ ...t.rows[2], adapter: 'mine' }).toEqual(t.rows[1]);
    await expect(jobs.predict({ session: 's', pixels: new Uint8Array(784), adapter: file.id }, ctx)).rejects.toThrow(/no longer loaded/);
    await jobs.unload({ session: 's', id: 'mine' }, ctx);
  });

  it('refuses the same adapter file loaded twice, with the name it is loaded under', async () => {
    const { session, ctx, saved } = await sessionWithSavedAdapter();
    await jobs.load({ session: 's', bytes: saved.bytes, name: 'ada.lora' }, ctx);
    const before = tf.memory().numTensors;
    await expect(jobs.load({ session: 's', bytes: saved.bytes.slice(), name: 'ada (1).lora' }, ctx))
      .rejects.toThrow('This is the same adapter as ada.lora, which is already loaded.');
    expect(tf.memory().numTensors).toBe(before);
    expect([...(session.get('adapters') as Map<string, unknown>).keys()]).toEqual(['mine', 'file-1']);
    await jobs.unload({ session: 's', id: 'file-1' }, ctx);
    await jobs.unload({ session: 's', id: 'mine' }, ctx);
  });
});
