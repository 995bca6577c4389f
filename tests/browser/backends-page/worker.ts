/**
 * The worker of tests/browser/backends.test.ts: computes the same LoRA
 * quantities on one forced backend and returns them as plain arrays, so the
 * test can hold each backend against the WASM path (the site's default
 * without a GPU, with the engine's fast kernels). Small shapes: the
 * properties checked (same maths, same seeds, same kernels) do not depend on
 * the width of the layers, and the software GPUs of CI are slow.
 */
import {
  LoraModel, Mlp, SubspaceModel, loraDense, Trainer, DigitTensors, deriveSeed, initBackend, mergeAdapters,
  mulberry32, normalArray, tf, uniformArray, unmergeAdapters, unpackDigits, weightOperator, type BackendName, type BaseModel, type DenseWeights, type Tensor2D,
} from '../../../src/engine/index';
import { QuantizedMlp } from '../../../src/engine/quantizedBase';
import { FusedAdam, adam } from '../../../src/engine/fast/adam';
import { softmaxCrossEntropy } from '../../../src/engine/fast/loss';
import { withFastPath } from '../../../src/engine/fast/ops';
import { GPU_DENSE_KERNEL } from '../../../src/engine/gpu/denseWebgpu';
import { compareDeltaVsW, rightSingularOfA, similarityGrid, topSingular } from '../../../src/core/analysis/index';
import { chooseBackend } from '../../../src/engine/calibrate';
import { ALPHA, BATCH, LR, RANK, SIZES, type Arrays, type CalibrateResult, type ParityRequest, type ParityResult, type SyncReadResult } from './shared';

const post = (m: unknown) => (self as unknown as Worker).postMessage(m);

async function digits(n: number): Promise<DigitTensors> {
  const bytes = new Uint8Array(await (await fetch('/data/mnist-train.bin')).arrayBuffer());
  const all = unpackDigits(bytes);
  return new DigitTensors({ n, images: all.images.subarray(0, n * 784), labels: all.labels.subarray(0, n) });
}

/** A LoRA model whose B is not zero (at B = 0 the gradient of A is zero and the low-rank term adds nothing). */
function loraModel(base: BaseModel, seed = 2): LoraModel {
  const model = LoraModel.withAdapters(base, [0, 1, 2], { rank: RANK, alpha: ALPHA }, seed);
  for (const a of model.adapters) {
    if (!a) continue;
    const rand = mulberry32(deriveSeed(seed, `B${a.layer}`));
    tf.tidy(() => a.Bt.assign(tf.tensor2d(normalArray(a.Bt.size, 0.1, rand), a.Bt.shape as [number, number])));
  }
  return model;
}

/**
 * Every read is asynchronous: on WebGPU, tfjs's synchronous read goes through a canvas, and with
 * Chromium's software adapter it returned zeros for tensors computed on the GPU (see guardSyncReads).
 * Disposes what it reads unless `keep`.
 */
async function read(t: tf.Tensor, keep = false): Promise<number[]> {
  const v = Array.from(await t.data());
  if (!keep) t.dispose();
  return v;
}

/** Reads several named tensors made in one tf.tidy. */
async function readAll(values: Arrays, prefix: string, named: Record<string, tf.Tensor>): Promise<void> {
  for (const [k, t] of Object.entries(named)) values[prefix + k] = await read(t);
}

function batch(data: DigitTensors): { x: Tensor2D; y: tf.Tensor1D } {
  return data.batch(Int32Array.from({ length: BATCH }, (_, i) => i));
}

async function losses(vars: tf.Variable[], forward: (x: Tensor2D) => Tensor2D, data: DigitTensors, steps: number, lr = LR): Promise<number[]> {
  const out: number[] = [];
  const trainer = new Trainer(vars, forward, data, { steps, batchSize: BATCH, learningRate: lr, seed: 5, reportEvery: 1 });
  await trainer.run((p) => out.push(p.loss));
  trainer.dispose();
  return out;
}

/** Forward pass, gradients of every A and B, the update of one Adam step, and the first losses of a seeded run. */
async function core(values: Arrays): Promise<void> {
  const data = await digits(256);
  const base = Mlp.random(SIZES, 1);
  const model = loraModel(base);
  const vars = model.variables();
  const name = (i: number) => `${i % 2 ? 'B' : 'A'}${i >> 1}`;
  await readAll(values, '', tf.tidy(() => {
    const { x, y } = batch(data);
    const out: Record<string, tf.Tensor> = { logits: model.forward(x) };
    const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(model.forward(x), y), vars);
    out.loss = value;
    vars.forEach((v, i) => (out[`grad.${name(i)}`] = grads[v.name]));
    return out;
  }));
  const before = await Promise.all(vars.map((v) => read(v, true)));
  const opt = adam(LR);
  values['adam.fused'] = [opt instanceof FusedAdam ? 1 : 0]; // one kernel per variable (WASM, WebGPU) or tf.train.adam
  values['loss.fused'] = [tf.getKernel('LoraLiveSoftmaxXent', tf.getBackend()) ? 1 : 0]; // the engine's loss kernel ran here
  values['dense.fused'] = [tf.getKernel(GPU_DENSE_KERNEL, tf.getBackend()) ? 1 : 0]; // the engine's WebGPU dense kernel ran here
  await denseKernelParity(values, model, data);
  tf.tidy(() => {
    const { x, y } = batch(data);
    opt.minimize(() => softmaxCrossEntropy(model.forward(x), y), false, vars);
  });
  for (const [i, v] of vars.entries()) values[`adam.${name(i)}`] = (await read(v, true)).map((p, j) => p - before[i][j]);
  opt.dispose();
  model.disposeAdapters();
  // A seeded run as the site starts one: B = 0, Adam, the engine's Trainer.
  const fresh = LoraModel.withAdapters(base, [0, 1, 2], { rank: RANK, alpha: ALPHA }, 3);
  values.losses = await losses(fresh.variables(), (x) => fresh.forward(x), data, 6);
  fresh.disposeAdapters();
  base.dispose();
  data.dispose();
}

/**
 * One LoRA layer through the engine's fast path (on WebGPU: gpu/denseWebgpu.ts's kernels) and through
 * tfjs's stock ops on the same backend: the output, and the gradients of x, Aᵀ and Bᵀ for a weighted sum
 * of the outputs. Layer 0 with ReLU (784 → 32) and the last layer without (24 → 10), whose x is
 * random so that every product counts.
 */
async function denseKernelParity(values: Arrays, model: LoraModel, data: DigitTensors): Promise<void> {
  for (const [layer, act] of [[0, 'relu'], [2, 'linear']] as const) {
    const { kernel, bias } = model.base.layerTensors(layer);
    const adapter = model.adapters[layer]!;
    for (const fast of [true, false]) {
      await readAll(values, `dense${layer}.${fast ? 'fast' : 'stock'}.`, tf.tidy(() => withFastPath(fast, () => {
        const x = layer === 0 ? batch(data).x : (tf.randomNormal([BATCH, kernel.shape[0]], 0, 1, 'float32', 21) as Tensor2D);
        const weights = tf.randomNormal([BATCH, kernel.shape[1]], 0, 1, 'float32', 22);
        // tf.grads hands f the tensors it differentiates by: x, and the adapter's own Aᵀ and Bᵀ.
        const f = (xx: tf.Tensor) => tf.sum(tf.mul(loraDense(xx as Tensor2D, kernel, bias, adapter, act), weights));
        const [dx, dAt, dBt] = tf.grads(f)([x, adapter.At, adapter.Bt]);
        return { out: loraDense(x, kernel, bias, adapter, act), dx, dAt, dBt };
      })));
    }
  }
}

/** Mlp.random's weights as arrays (what Mlp.random(SIZES, seed) holds), for bases built without reading tensors back. */
function randomWeights(seed: number): DenseWeights[] {
  return SIZES.slice(1).map((dOut, i) => {
    const dIn = SIZES[i];
    const rand = mulberry32(deriveSeed(seed, `dense${i}`));
    const bound = 1 / Math.sqrt(dIn);
    return { dIn, dOut, kernel: uniformArray(dIn * dOut, bound, rand), bias: uniformArray(dOut, bound, rand) };
  });
}

async function extras(values: Arrays): Promise<void> {
  const data = await digits(256);
  const weights = randomWeights(1);
  const base = Mlp.fromWeights(weights, 'random');

  // QLoRA: an NF4 base (blocks of 64) dequantized in every forward pass, LoRA on top.
  const q = QuantizedMlp.fromWeights(weights, 'random', { format: 'NF4', blockSize: 64, doubleQuant: true });
  const qModel = loraModel(q);
  await readAll(values, 'qlora.', tf.tidy(() => {
    const { x, y } = batch(data);
    const { grads } = tf.variableGrads(() => softmaxCrossEntropy(qModel.forward(x), y), qModel.variables());
    return { logits: qModel.forward(x), 'grad.A0': grads[qModel.variables()[0].name], 'grad.B2': grads[qModel.variables()[5].name] };
  }));
  qModel.disposeAdapters();
  const qFresh = LoraModel.withAdapters(q, [0, 1, 2], { rank: RANK, alpha: ALPHA }, 3);
  values['qlora.losses'] = await losses(qFresh.variables(), (x) => qFresh.forward(x), data, 4);
  qFresh.disposeAdapters();
  q.dispose();

  // Subspace training: θ = θ₀ + P·θ_d; on GPU backends P·θ_d and Pᵀ·g are tfjs gathers with an explicit gradient.
  const sub = new SubspaceModel(base, 60, { seed: 4 });
  values['intrinsic.path'] = [sub.path === 'gather' ? 1 : 0];
  tf.tidy(() => sub.thetaD.assign(tf.tensor1d(normalArray(60, 0.05, mulberry32(9)))));
  await readAll(values, 'intrinsic.', tf.tidy(() => {
    const { x, y } = batch(data);
    const { grads } = tf.variableGrads(() => softmaxCrossEntropy(sub.forward(x), y), [sub.thetaD]);
    return { logits: sub.forward(x), grad: grads[sub.thetaD.name] };
  }));
  tf.tidy(() => sub.thetaD.assign(tf.zeros([60])));
  values['intrinsic.losses'] = await losses([sub.thetaD], (x) => sub.forward(x), data, 4, 3e-2);
  sub.dispose();

  // Merge and unmerge: W₀ + s·BA written into the base, then taken out again.
  const mBase = Mlp.fromWeights(weights, 'random');
  const mModel = loraModel(mBase);
  const { x: mx } = data.batch(Int32Array.from({ length: BATCH }, (_, i) => i));
  values['merge.unmerged'] = await read(tf.tidy(() => mModel.forward(mx)));
  mergeAdapters(mModel);
  values['merge.merged'] = await read(tf.tidy(() => mModel.forward(mx)));
  unmergeAdapters(mModel);
  values['merge.after'] = await read(tf.tidy(() => mModel.forward(mx)));
  mx.dispose();
  let drift = 0;
  for (const [i, l] of mBase.layers.entries()) (await read(l.kernel, true)).forEach((v, j) => (drift = Math.max(drift, Math.abs(v - weights[i].kernel[j]))));
  values['merge.w0drift'] = [drift];
  mModel.disposeAdapters();
  mBase.dispose();

  // Which rank: adapters trained briefly at r = 2 and r = 8 on the backend, φ between A's subspaces,
  // and ΔW against W with W's products on the backend.
  const trained: { At: Float32Array; Bt: Float32Array; rank: number; scale: number }[] = [];
  for (const rank of [2, 8]) {
    const m = LoraModel.withAdapters(base, [1], { rank, alpha: ALPHA }, 6);
    await losses(m.variables(), (x) => m.forward(x), data, 5, 1e-2);
    const a = m.adapters[1]!;
    trained.push({ At: Float32Array.from(await read(a.At, true)), Bt: Float32Array.from(await read(a.Bt, true)), rank, scale: a.scale });
    m.disposeAdapters();
  }
  const k = SIZES[1];
  values['whichrank.phi'] = Array.from(similarityGrid(rightSingularOfA(trained[0].At, k, 2).v, rightSingularOfA(trained[1].At, k, 8).v, 2, 8));
  // The which-rank job's operator: W's products on the backend, each read back asynchronously.
  const w = await weightOperator(base.layers[1].kernel);
  const top = await topSingular(w.op, 8, mulberry32(11), { tol: 1e-7 });
  values['whichrank.topS'] = Array.from(top.s);
  const c = await compareDeltaVsW(w.op, trained[1].At, trained[1].Bt, 8, trained[1].scale, mulberry32(12), { topOfW: top, wNorm: w.norm });
  values['whichrank.deltaVsW'] = [c.deltaNorm, c.wNorm, c.projDelta, c.projW, c.amplification];
  w.dispose();
  base.dispose();
  data.dispose();
}

/** chooseBackend() as the site's worker calls it, plus a measured run with a software renderer admitted. */
async function calibrate(): Promise<CalibrateResult> {
  const opts = { version: 'test', wasmPath: '/tfjs/', includeSoftware: true, candidates: ['webgl', 'wasm'] as BackendName[], budgetMs: 60_000, steps: 2, sizes: [784, 64, 10] };
  const a = await chooseBackend(opts);
  let t0 = performance.now();
  const b = await chooseBackend(opts);
  const againMs = performance.now() - t0;
  t0 = performance.now();
  const c = await chooseBackend({ version: 'test', wasmPath: '/tfjs/' });
  const siteMs = performance.now() - t0;
  return {
    measured: { name: a.name, reason: a.reason, timings: a.calibration?.timings ?? null, cached: a.calibration?.cached ?? null },
    again: { name: b.name, reason: b.reason, cached: b.calibration?.cached ?? null, ms: againMs },
    site: { name: c.name, reason: c.reason, calibrated: 'calibration' in c, ms: siteMs },
  };
}

async function syncRead(): Promise<SyncReadResult> {
  const info = await chooseBackend({ version: 'test', wasmPath: '/tfjs/', prefer: 'webgpu' });
  const a = tf.tensor2d(Float32Array.from({ length: 64 * 64 }, (_, i) => (i % 5) - 2), [64, 64]);
  const product = tf.matMul(a, a);
  let gpuRead: SyncReadResult['gpuRead'];
  try {
    gpuRead = { values: Array.from(product.dataSync().slice(0, 4)) };
  } catch (err) {
    gpuRead = { error: (err as Error).message };
  }
  const cpuRead = Array.from(tf.tensor1d([1, 2, 3]).dataSync());
  const again = tf.matMul(a, a);
  const asyncAfter = Array.from((await again.data()).slice(0, 4));
  return { name: info.name, reason: info.reason, gpuRead, cpuRead, asyncAfter };
}

self.onmessage = async (e: MessageEvent<ParityRequest>) => {
  if (e.data.suite === 'syncread') {
    syncRead().then((result) => post({ kind: 'done', result }), (err) => post({ kind: 'error', message: (err as Error).stack ?? String(err) }));
    return;
  }
  if (e.data.suite === 'calibrate') {
    calibrate().then((result) => post({ kind: 'done', result }), (err) => post({ kind: 'error', message: (err as Error).stack ?? String(err) }));
    return;
  }
  try {
    const info = await initBackend({ prefer: e.data.backend, wasmPath: '/tfjs/' });
    const values: Arrays = {};
    if (tf.getBackend() === e.data.backend) await (e.data.suite === 'core' ? core(values) : extras(values));
    values.numTensors = [tf.memory().numTensors];
    post({ kind: 'done', result: { backend: tf.getBackend(), reason: info.reason, values } satisfies ParityResult });
  } catch (err) {
    post({ kind: 'error', message: (err as Error).stack ?? String(err) });
  }
};
