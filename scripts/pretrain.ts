/**
 * Pretrains the site's "foundation model": the 784→1000→2000→10 MLP on the
 * full MNIST training set (60,000 digits), one epoch, batch 64, Adam at 1e-3,
 * seed 0 — deterministic on a given backend. Writes the fp16 weights the site
 * ships and the accuracy of exactly those weights on all 10,000 test digits.
 *
 *   npm run pretrain
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DEFAULT_SIZES, DigitTensors, LoraModel, Mlp, Trainer, evaluate, initBackend, loadBaseModel, packBaseModel, tf,
} from '../src/engine/index';
import { mnistTest, mnistTrain } from './mnist';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const SEED = 0;
const BATCH = 64;
const LR = 1e-3;

const backend = await initBackend({ prefer: 'wasm' });
const train = new DigitTensors(mnistTrain());
const test = new DigitTensors(mnistTest());
const steps = Math.ceil(train.n / BATCH);

const mlp = Mlp.random(DEFAULT_SIZES, SEED);
const model = new LoraModel(mlp);
const trainer = new Trainer(mlp.variables(), (x) => model.forward(x), train, { steps, batchSize: BATCH, learningRate: LR, seed: SEED, reportEvery: 50 });
const started = Date.now();
await trainer.run((p) => console.log(`step ${p.step}/${steps}  loss ${p.loss.toFixed(4)}  ${p.msPerStep.toFixed(0)} ms/step`));
trainer.dispose();

// Round to fp16 as shipped, reload, and measure what the site will actually run.
const meta = {
  sizes: [...DEFAULT_SIZES],
  testAccuracy: 0,
  perDigitAccuracy: [] as number[],
  trainedOn: `MNIST training set, ${train.n.toLocaleString('en-US')} digits, 1 epoch (${steps} steps of ${BATCH}), Adam lr ${LR}, seed ${SEED}, PyTorch-default init`,
  command: 'npm run pretrain',
  seed: SEED,
  backend: backend.name,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  date: new Date().toISOString().slice(0, 10),
  trainingSeconds: Math.round((Date.now() - started) / 1000),
};
const weights = mlp.readWeights();
mlp.dispose();
const draft = packBaseModel(weights, meta);
const { model: shipped } = loadBaseModel(draft);
const e = await evaluate((x) => new LoraModel(shipped).forward(x), test);
meta.testAccuracy = e.accuracy;
meta.perDigitAccuracy = e.perDigit;
const bytes = packBaseModel(weights, meta);

mkdirSync(join(root, 'public', 'models'), { recursive: true });
writeFileSync(join(root, 'public', 'models', 'base-mlp.bin'), bytes);
mkdirSync(join(root, 'src', 'generated'), { recursive: true });
writeFileSync(join(root, 'src', 'generated', 'base-model.json'), JSON.stringify({ ...meta, fileBytes: bytes.length }, null, 2) + '\n');
console.log(`test accuracy ${(100 * e.accuracy).toFixed(2)} %; per digit ${e.perDigit.map((a, d) => `${d}: ${(100 * a).toFixed(1)}`).join(', ')}`);
console.log(`wrote public/models/base-mlp.bin (${bytes.length.toLocaleString('en-US')} bytes), tensors left: ${tf.memory().numTensors}`);
shipped.dispose();
train.dispose();
test.dispose();
