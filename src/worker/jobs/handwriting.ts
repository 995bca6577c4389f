/**
 * Jobs for the /your-handwriting/ chapter: the base model's reading of one
 * drawing, sample digits for readers who cannot draw, a personal adapter
 * trained on the reader's drawings (augmented), its scores on held-out
 * drawings and on the site's MNIST test digits, and adapters as files, read
 * with the same checks as /merge-and-switch/. The shared base is only read.
 */
import {
  IMAGE_SIZE, LoraModel, DigitTensors, Trainer, deriveSeed, evaluate, mulberry32, parseAdapters, serializeAdapters, tf,
  type LoraAdapter, type Tensor2D,
} from '../../engine/index';
import { augment } from '../../core/handwriting/augment';
import { ALPHA, COPIES, LAYERS, LEARNING_RATE, MAX_STEPS, RANKS } from '../../core/handwriting/settings';
import type { JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import type {
  AdapterRef, AdapterSummary, HwTrainParams, HwTrainResult, ImageSet, LoadParams, PredictParams, PredictResult,
  SampleParams, SampleResult, SaveParams, SaveResult, Score, TableParams, TableResult, UnloadParams, UnloadResult,
} from '../../api/handwriting';

interface Held {
  adapters: (LoraAdapter | null)[];
  rank: number;
  params: number;
  name: string;
  /** A loaded file's bytes, to recognise the same file loaded twice (at rank 16 about 0.43 MB). */
  bytes?: Uint8Array;
}

function checkSet(s: ImageSet, what: string): number {
  if (!(s?.images instanceof Uint8Array) || !(s.labels instanceof Uint8Array)) throw new Error(`No ${what} were given.`);
  const n = s.labels.length;
  if (s.images.length !== n * IMAGE_SIZE) throw new Error(`The ${what} are not ${n} images of 28×28.`);
  if (s.labels.some((l) => l > 9)) throw new Error(`The ${what} have a label that is not a digit.`);
  return n;
}

/**
 * The worker runs jobs concurrently, and a job that reads an adapter awaits between its pieces
 * (table, predict): a train that frees the old 'mine', or an unload, must not run in between.
 * So every job that reads or changes the held adapters runs through one queue per session, as
 * merge.ts does for its slots.
 */
function serialize<T>(ctx: JobContext, work: () => Promise<T>): Promise<T> {
  const prev = (ctx.session.get('queue') as Promise<unknown> | undefined) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(work);
  ctx.session.set('queue', next.catch(() => undefined));
  return next;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

const held = (ctx: JobContext): Map<string, Held> => {
  let m = ctx.session.get('adapters') as Map<string, Held> | undefined;
  if (!m) ctx.session.set('adapters', (m = new Map()));
  return m;
};

async function modelFor(ref: AdapterRef, ctx: JobContext): Promise<LoraModel> {
  const { model: base } = await ctx.resources.baseModel();
  if (ref === 'base') return new LoraModel(base);
  const h = held(ctx).get(ref);
  if (!h) throw new Error(ref === 'mine' ? 'Train your adapter first.' : 'That adapter file is no longer loaded.');
  return new LoraModel(base, h.adapters);
}

async function score(model: LoraModel, data: DigitTensors): Promise<Score> {
  if (!data.n) return { correct: 0, n: 0 };
  const e = await evaluate((x) => model.forward(x), data);
  return { correct: Math.round(e.accuracy * e.n), n: e.n };
}

async function withSet<T>(s: ImageSet, f: (d: DigitTensors) => Promise<T>): Promise<T> {
  const d = new DigitTensors({ n: s.labels.length, images: s.images, labels: s.labels });
  try {
    return await f(d);
  } finally {
    d.dispose();
  }
}

async function tableNow(p: TableParams, ctx: JobContext): Promise<TableResult> {
  await ctx.checkpoint(); // stopped while it waited in the queue: a newer table supersedes it
  const test = await ctx.resources.taskData('original', 'test');
  const tensors = p.sets.map((s) => new DigitTensors({ n: s.labels.length, images: s.images, labels: s.labels }));
  try {
    const rows = [];
    for (const ref of p.adapters) {
      await ctx.checkpoint();
      const model = await modelFor(ref, ctx);
      const sets: Score[] = [];
      for (const d of tensors) sets.push(await score(model, d));
      rows.push({ adapter: ref, sets, mnist: await score(model, test) });
    }
    return { rows };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

/** What a personal adapter's file says about itself (the format's free `info` field). */
const fileInfo = (rank: number) => ({ kind: 'handwriting', rank, layers: LAYERS.length });

export const jobs = {
  /** The ten probabilities for one 28×28 image, by the base or with an adapter. */
  async predict(p: PredictParams, ctx: JobContext): Promise<PredictResult> {
    if (!(p.pixels instanceof Uint8Array) || p.pixels.length !== IMAGE_SIZE) throw new Error('The image must have 784 pixels.');
    return serialize(ctx, async () => {
      const model = await modelFor(p.adapter, ctx);
      const y = tf.tidy(() => tf.softmax(model.forward(tf.div(tf.tensor2d(p.pixels, [1, IMAGE_SIZE], 'float32'), 255) as Tensor2D)));
      const probs = Array.from(await y.data());
      y.dispose();
      return { probs };
    });
  },

  /** A digit from the site's MNIST training subset (not the test digits the adapter is measured on). */
  async sample(p: SampleParams, ctx: JobContext): Promise<SampleResult> {
    const d = await ctx.resources.digits('train');
    if (!Number.isInteger(p.index)) throw new Error('The sample number must be a whole number.');
    const i = ((p.index % d.n) + d.n) % d.n;
    return { pixels: d.images.slice(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), label: d.labels[i], index: i, of: d.n };
  },

  /** Trains a fresh personal adapter on the drawings (augmented), then scores base and adapter. */
  async train(p: HwTrainParams, ctx: JobContext<JobEvent<'handwriting.train'>>): Promise<HwTrainResult> {
    const nTrain = checkSet(p.train, 'training drawings');
    checkSet(p.heldOut, 'held-out drawings');
    if (!nTrain) throw new Error('There are no training drawings yet.');
    if (!RANKS.includes(p.rank)) throw new Error(`The rank must be one of ${RANKS.join(', ')} (got ${p.rank}).`);
    if (!Number.isInteger(p.steps) || p.steps < 1 || p.steps > MAX_STEPS) throw new Error(`Steps must be a whole number from 1 to ${MAX_STEPS} (got ${p.steps}).`);
    const { model: base } = await ctx.resources.baseModel();
    const aug = augment(p.train.images, p.train.labels, COPIES, mulberry32(deriveSeed(p.seed, 'augment')));
    const data = new DigitTensors(aug);
    const model = LoraModel.withAdapters(base, LAYERS, { rank: p.rank, alpha: ALPHA }, p.seed);
    const trainer = new Trainer(model.variables(), (x) => model.forward(x), data, {
      steps: p.steps, learningRate: LEARNING_RATE, batchSize: 64, seed: p.seed, reportEvery: 5,
    });
    try {
      // A failed or stopped run frees its adapters: nothing else holds them yet.
      await ctx.runTrainer(trainer, (e) => ctx.emit({ kind: 'step', step: e.step, steps: p.steps, loss: e.loss }),
        { dispose: true, throwIfStopped: true, discard: () => model.disposeAdapters() });
    } finally {
      data.dispose();
    }
    // Training only reads the shared base; measuring and storing the new adapter (which frees the
    // previous 'mine') wait their turn behind any table or predict job still using it.
    return serialize(ctx, async () => {
      try {
        ctx.emit({ kind: 'scoring' });
        const plain = new LoraModel(base);
        const heldOut = await withSet(p.heldOut, async (d) => ({ base: await score(plain, d), adapter: await score(model, d) }));
        const test = await ctx.resources.taskData('original', 'test');
        const mnist = { base: await score(plain, test), adapter: await score(model, test) };
        const fileBytes = (await serializeAdapters(base, model.adapters, fileInfo(p.rank))).length;
        const all = held(ctx);
        all.get('mine')?.adapters.forEach((a) => a?.dispose());
        const params = model.allocatedAdapterParams();
        all.set('mine', { adapters: model.adapters, rank: p.rank, params, name: 'your adapter' });
        return { steps: p.steps, rank: p.rank, params, examples: aug.n, heldOut, mnist, fileBytes };
      } catch (e) {
        // Not stored, so nothing else would ever free it; the previous adapter (if any) is kept.
        model.disposeAdapters();
        throw e;
      }
    });
  },

  /** Accuracy of each adapter (and the base) on each set of drawings, and on the MNIST test digits. */
  async table(p: TableParams, ctx: JobContext): Promise<TableResult> {
    p.sets.forEach((s, i) => checkSet(s, `drawings of set ${i + 1}`));
    return serialize(ctx, () => tableNow(p, ctx));
  },

  /** The personal adapter as file bytes (the site's adapter file format). */
  async save(_: SaveParams, ctx: JobContext): Promise<SaveResult> {
    return serialize(ctx, async () => {
      const { model: base } = await ctx.resources.baseModel();
      const h = held(ctx).get('mine');
      if (!h) throw new Error('Train your adapter first.');
      const bytes = await serializeAdapters(base, h.adapters, fileInfo(h.rank));
      return { bytes, rank: h.rank };
    });
  },

  /** Reads a classmate's adapter file for this base; a bad file throws AdapterFileError and nothing changes. */
  async load(p: LoadParams, ctx: JobContext): Promise<AdapterSummary> {
    if (!(p.bytes instanceof Uint8Array)) throw new Error('No file bytes were given.');
    const bytes = p.bytes.slice(); // kept to recognise a second copy; the caller's buffer may be transferred
    return serialize(ctx, async () => {
      const { model: base } = await ctx.resources.baseModel();
      const { adapters } = parseAdapters(bytes, base); // a bad file (or another base's) gets its own reason first
      const all = held(ctx);
      // Two rows of the same numbers would look like two classmates agreeing.
      const twin = [...all.values()].find((h) => h.bytes && sameBytes(h.bytes, bytes));
      if (twin) {
        adapters.forEach((a) => a?.dispose());
        throw new Error(`This is the same adapter as ${twin.name}, which is already loaded.`);
      }
      const present = adapters.filter((a): a is LoraAdapter => !!a);
      const id = `file-${(ctx.session.get('nextFile') as number | undefined) ?? 1}`;
      ctx.session.set('nextFile', Number(id.slice(5)) + 1);
      const h: Held = { adapters, rank: Math.max(...present.map((a) => a.rank)), params: present.reduce((s, a) => s + a.paramCount, 0), name: p.name, bytes };
      all.set(id, h);
      return { id, name: p.name, rank: h.rank, params: h.params, fileBytes: bytes.length };
    });
  },

  /** Forgets a loaded file's adapter (or the personal one, 'mine'). */
  async unload(p: UnloadParams, ctx: JobContext): Promise<UnloadResult> {
    return serialize(ctx, async () => {
      const all = held(ctx);
      all.get(p.id)?.adapters.forEach((a) => a?.dispose());
      all.delete(p.id);
      return { numTensors: tf.memory().numTensors };
    });
  },
};
