/**
 * Pretrains the /attention/ chapter's "foundation model": the tiny character
 * GPT (src/core/gpt.ts: d_model 64, 2 blocks, 4 heads, context 16) on English
 * words from `an-array-of-english-words`, all weights trained with Adam, seed 0,
 * deterministic on a given backend. Writes the fp16 weights the site ships
 * (public/models/base-gpt.bin) and a summary (src/generated/base-gpt.json) with
 * the held-out loss of exactly those rounded weights.
 *
 *   npm run pretrain-gpt            (about 10 minutes on a busy 2-core machine)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { initBackend, tf, mulberry32, shuffledIndices, deriveSeed } from '../src/engine/index';
import { Gpt, GptLora, heldOutLoss, sampleWords, wordTensors } from '../src/engine/gpt';
import { loadGpt, packGpt, type GptMeta } from '../src/engine/gptFile';
import { GPT_CONFIG, VOCAB, isHeldOut } from '../src/core/gpt';
import { WORD_SPLIT, buildWordsFile, englishWords } from './prepare-words';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const SEED = 0;
const BATCH = 64;
const STEPS = Number(process.env.GPT_STEPS ?? 1500);
/** Adam at 3e-3, dropped to 1e-3 for the last quarter (a cheap stand-in for a decay schedule). */
const LR = 3e-3;
const LR_LATE = 1e-3;

const backend = await initBackend({ prefer: 'wasm' });
const all = englishWords();
const train = all.filter((w) => !isHeldOut(w, WORD_SPLIT.seed, WORD_SPLIT.heldOutPercent));
const test = all.filter((w) => isHeldOut(w, WORD_SPLIT.seed, WORD_SPLIT.heldOutPercent));
const sample = buildWordsFile().english;
console.log(`${train.length} training words, ${test.length} held out; ${STEPS} steps of ${BATCH}`);

const gpt = Gpt.random(GPT_CONFIG, SEED);
const model = new GptLora(gpt);
const opt = tf.train.adam(LR);
const rand = mulberry32(deriveSeed(SEED, 'pretrain-order'));
let order = shuffledIndices(train.length, rand);
let cursor = 0;
const started = Date.now();
let running = 0;
for (let step = 1; step <= STEPS; step++) {
  if (step === Math.floor(0.75 * STEPS)) (opt as unknown as { learningRate: number }).learningRate = LR_LATE;
  if (cursor + BATCH > order.length) { order = shuffledIndices(train.length, rand); cursor = 0; }
  const words = Array.from(order.subarray(cursor, cursor + BATCH), (i) => train[i]);
  cursor += BATCH;
  const t = wordTensors(words);
  const loss = opt.minimize(() => model.loss(t.tokens, t.targets, t.mask), true, gpt.variables())!;
  running += loss.dataSync()[0];
  loss.dispose();
  t.tokens.dispose(); t.targets.dispose(); t.mask.dispose();
  if (step % 100 === 0) {
    console.log(`step ${step}/${STEPS}  train loss ${(running / 100).toFixed(3)} nats/char  ${((Date.now() - started) / step).toFixed(0)} ms/step`);
    running = 0;
  }
}
const trainingSeconds = Math.round((Date.now() - started) / 1000);
opt.dispose();

const meta: GptMeta = {
  config: { ...GPT_CONFIG },
  vocab: VOCAB,
  trainedOn: `English words of 1–${GPT_CONFIG.context - 1} letters from an-array-of-english-words 2 (${train.length.toLocaleString('en-US')} training words; ${WORD_SPLIT.heldOutPercent} % held out by a seeded hash), ${STEPS} steps of ${BATCH} words (${((STEPS * BATCH) / train.length).toFixed(2)} epochs), Adam lr ${LR} then ${LR_LATE} for the last quarter, seed ${SEED}`,
  steps: STEPS,
  batchSize: BATCH,
  seed: SEED,
  heldOutLoss: 0,
  heldOutWords: test.length,
  sampleLoss: 0,
  trainingSeconds,
  backend: backend.name,
  command: 'npm run pretrain-gpt',
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'} (shared with other jobs while it ran)`,
  date: new Date().toISOString().slice(0, 10),
};
const weights = gpt.readWeights();
gpt.dispose();
// Round to fp16 as shipped, reload, and measure what the site will actually run.
const { model: shipped } = loadGpt(packGpt(weights, meta));
const shippedModel = new GptLora(shipped);
meta.heldOutLoss = await heldOutLoss(shippedModel, test);
meta.sampleLoss = await heldOutLoss(shippedModel, sample);
const bytes = packGpt(weights, meta);
mkdirSync(join(root, 'public', 'models'), { recursive: true });
writeFileSync(join(root, 'public', 'models', 'base-gpt.bin'), bytes);
mkdirSync(join(root, 'src', 'generated'), { recursive: true });
writeFileSync(join(root, 'src', 'generated', 'base-gpt.json'), JSON.stringify({ ...meta, fileBytes: bytes.length }, null, 2) + '\n');
console.log(`held-out loss ${meta.heldOutLoss.toFixed(4)} nats/char on ${test.length} words; page sample ${meta.sampleLoss.toFixed(4)}`);
console.log(`samples: ${(await sampleWords(shippedModel, 20, 1, 1)).join(' ')}`);
console.log(`wrote public/models/base-gpt.bin (${bytes.length.toLocaleString('en-US')} bytes) in ${trainingSeconds} s of training`);
shipped.dispose();
