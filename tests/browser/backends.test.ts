// Parity of the engine across tfjs backends, in Chromium: every quantity is computed on the
// forced backend (tests/browser/backends-page/worker.ts) and held against the WASM path, the
// site's backend on machines without a GPU (with the engine's own fast kernels, so this also
// checks them against tfjs's stock ops on the other backends).
//
// WebGL runs on SwiftShader here, WebGPU on Chromium's software fallback adapter
// (--enable-unsafe-webgpu): correctness can be tested on them, speed cannot. Shapes are small
// (784→32→24→10, batch 32, r = 4) so the slow software GPUs finish in seconds; nothing checked
// here depends on the width of the layers.
//
// Tolerances. Each backend sums its float32 products in its own order (WebGL in 2×2 packed
// texels, WebGPU in workgroup tiles, WASM in XNNPACK's or our SIMD blocks). For a sum of k terms
// the rounding differences are of order k·2⁻²⁴ of the terms' magnitudes at worst (k ≤ 784 here:
// ~5e-5) and ~√k·2⁻²⁴ typically (~2e-6); measured: at most 4e-7 of the largest reference value
// on every backend. So values must agree within 1e-5 of the largest reference magnitude: 25×
// the measured spread, 5× below the worst case, and far below any real defect (a wrong ε in
// Adam, a wrong gradient, a dropped low-rank term all differ by 1e-2 or more).
// Adam's first step is lr·g/(|g| + ε) per entry: where |g| is near 0 a gradient difference Δg
// moves it by up to lr·Δg/ε, and Δg of a few 1e-9 (measured) with ε = 1e-7 gives up to a few
// 1e-5·lr (measured 1.9e-5·lr). The step must agree within 1e-3·lr. Before the fix in
// src/engine/fast/adam.ts, WebGL took ε = 1e-4 (tfjs's float16 value, tensorflow/tfjs#6980) and
// its steps differed by up to 0.94·lr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, WEBGPU_ARGS } from './harness';
import { serveEnginePage, type EnginePage } from './engine-page';
import { LR, type Arrays, type CalibrateResult, type ParityRequest, type ParityResult, type SyncReadResult } from './backends-page/shared';

const REL = 1e-5;
const ADAM_ABS = 1e-3 * LR;

let page: EnginePage;
let browser: Browser;
const reference: Partial<Record<ParityRequest['suite'], Arrays>> = {};

async function compute(request: ParityRequest): Promise<Arrays> {
  const { result, errors } = await page.run<ParityResult>(browser, request);
  expect(result.backend, `${request.backend} did not start: ${result.reason}`).toBe(request.backend);
  // tfjs's WebGPU backend warns once about synchronous reads; the engine's training path makes none.
  expect(errors).toEqual([]);
  return result.values;
}

/** Largest |a − b| over the largest |b|: the normwise relative difference. */
function relDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  b.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(a[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  expect(Number.isFinite(diff)).toBe(true);
  return scale === 0 ? diff : diff / scale;
}

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

beforeAll(async () => {
  page = await serveEnginePage('tests/browser/backends-page/worker.ts');
  browser = await launchChromium(WEBGPU_ARGS);
  reference.core = await compute({ backend: 'wasm', suite: 'core' });
  reference.extras = await compute({ backend: 'wasm', suite: 'extras' });
});

afterAll(async () => {
  await browser?.close();
  await page?.close();
});

describe.each(['cpu', 'webgl', 'webgpu'] as const)('LoRA on %s agrees with WASM', (backend) => {
  let v: Arrays;
  beforeAll(async () => {
    v = await compute({ backend, suite: 'core' });
  });

  it('forward pass (logits of a batch, B ≠ 0 so the low-rank term counts) and the loss', () => {
    // The engine's loss kernel on WebGPU (src/engine/gpu/lossWebgpu.ts) and WASM; tf.losses on CPU and WebGL.
    expect(v['loss.fused']).toEqual([backend === 'webgpu' ? 1 : 0]);
    expect(reference.core!['loss.fused']).toEqual([1]);
    expect(relDiff(v.logits, reference.core!.logits)).toBeLessThan(REL);
    expect(relDiff(v.loss, reference.core!.loss)).toBeLessThan(REL);
  });

  it('gradients of A and B on every layer', () => {
    for (const k of Object.keys(reference.core!).filter((k) => k.startsWith('grad.'))) {
      expect(relDiff(v[k], reference.core![k]), k).toBeLessThan(REL);
    }
  });

  it("the engine's fused LoRA layer (WebGPU: src/engine/gpu/denseWebgpu.ts) against stock tfjs ops on the same backend", () => {
    // Forward output and the gradients of x, Aᵀ and Bᵀ, for a ReLU layer (784 → 32) and the last, linear one.
    // Same tolerance as against WASM (REL, justified above): each side sums k ≤ 784 float32 products, in its
    // own order (the fused kernel row by row, tfjs's matMul in tiles). A dropped mask, scale or term differs by ≫ 1e-2.
    expect(v['dense.fused']).toEqual([backend === 'webgpu' ? 1 : 0]);
    for (const layer of [0, 2]) {
      for (const q of ['out', 'dx', 'dAt', 'dBt']) {
        const fast = v[`dense${layer}.fast.${q}`];
        const stock = v[`dense${layer}.stock.${q}`];
        expect(stock.some((x) => x !== 0), `dense${layer}.${q} is all zeros`).toBe(true);
        expect(relDiff(fast, stock), `dense${layer}.${q}`).toBeLessThan(REL);
      }
    }
  });

  it('one Adam step (the same ε everywhere)', () => {
    // The engine's own Adam kernel on WebGPU (src/engine/gpu/adamWebgpu.ts) and on WASM; tf.train.adam on CPU and WebGL.
    expect(v['adam.fused']).toEqual([backend === 'webgpu' ? 1 : 0]);
    expect(reference.core!['adam.fused']).toEqual([1]);
    const keys = Object.keys(reference.core!).filter((k) => k.startsWith('adam.') && k !== 'adam.fused');
    expect(keys).toHaveLength(6);
    for (const k of keys) expect(maxAbsDiff(v[k], reference.core![k]), k).toBeLessThan(ADAM_ABS);
  });

  it('the first six losses of a seeded LoRA run (B = 0 at the start, as on the site)', () => {
    expect(v.losses).toHaveLength(6);
    expect(relDiff(v.losses, reference.core!.losses)).toBeLessThan(REL);
    expect(v.numTensors).toEqual(reference.core!.numTensors); // nothing left behind
  });
});

describe.each(['webgl', 'webgpu'] as const)('the rest of the engine on %s agrees with WASM', (backend) => {
  let v: Arrays;
  beforeAll(async () => {
    v = await compute({ backend, suite: 'extras' });
  }, 180_000);
  const ref = () => reference.extras!;

  it("QLoRA: an NF4 base dequantized in every pass, LoRA's gradients and losses on top", () => {
    for (const k of ['qlora.logits', 'qlora.grad.A0', 'qlora.grad.B2', 'qlora.losses']) expect(relDiff(v[k], ref()[k]), k).toBeLessThan(REL);
  });

  it('intrinsic (subspace) training: tfjs gathers with their explicit gradient, against the JavaScript path on WASM', () => {
    expect(v['intrinsic.path']).toEqual([1]); // 'gather' on GPU backends
    expect(ref()['intrinsic.path']).toEqual([0]); // 'js' on WASM
    for (const k of ['intrinsic.logits', 'intrinsic.grad', 'intrinsic.losses']) expect(relDiff(v[k], ref()[k]), k).toBeLessThan(REL);
  });

  it('merge and unmerge: the same outputs, and W₀ restored', () => {
    expect(relDiff(v['merge.merged'], v['merge.unmerged'])).toBeLessThan(REL);
    expect(relDiff(v['merge.after'], v['merge.unmerged'])).toBeLessThan(REL);
    expect(relDiff(v['merge.merged'], ref()['merge.merged'])).toBeLessThan(REL);
    // W₀ + s·BA − s·BA: one rounding of each weight (|W₀| < 0.2, so below 0.2·2⁻²⁴ ≈ 1.2e-8 a step).
    expect(v['merge.w0drift'][0]).toBeLessThan(1e-7);
  });

  it('which rank: φ between adapters trained here, W’s top singular values, ΔW against W', () => {
    for (const k of ['whichrank.phi', 'whichrank.topS', 'whichrank.deltaVsW']) expect(relDiff(v[k], ref()[k]), k).toBeLessThan(REL);
    expect(v.numTensors).toEqual(ref().numTensors);
  });
});

describe('choosing the backend by measuring (src/engine/calibrate.ts), in a worker', () => {
  it('times the candidates, picks the faster, caches it in IndexedDB; with no hardware GPU it measures nothing', async () => {
    const { result: r, errors } = await page.run<CalibrateResult>(browser, { backend: 'wasm', suite: 'calibrate' });
    expect(errors).toEqual([]);
    // Software WebGL is admitted here only so that there are two candidates to time on a machine without a GPU.
    const timings = r.measured.timings!;
    expect(timings.map((t) => t.name)).toEqual(['wasm', 'webgl']); // WebAssembly first: the baseline
    for (const t of timings) expect(t.msPerStep).toBeGreaterThan(0);
    const faster = timings[0].msPerStep! <= timings[1].msPerStep! ? 'wasm' : 'webgl';
    expect(r.measured.name).toBe(faster);
    expect(r.measured.cached).toBe(false);
    expect(r.measured.reason).toMatch(/^WebAssembly [\d.,]+ ms\/step · WebGL [\d.,]+ ms\/step → (WebAssembly|WebGL)$/);
    // Second time: the decision from IndexedDB, nothing timed again.
    expect(r.again).toMatchObject({ name: faster, cached: true });
    expect(r.again.reason).toMatch(/measured on an earlier visit/);
    // The site's own call: software renderers are skipped, WebAssembly is the only candidate, no measuring.
    expect(r.site.name).toBe('wasm');
    expect(r.site.calibrated).toBe(false);
    expect(r.site.ms).toBeLessThan(1_000);
  }, 180_000);
});

describe('synchronous reads on WebGPU', () => {
  it('either return the right numbers or stop with a clear message, never zeros, and leave the device working', async () => {
    const { result: r } = await page.run<SyncReadResult>(browser, { backend: 'webgpu', suite: 'syncread' });
    expect(r.name).toBe('webgpu');
    // 64×64 matrix of (i mod 5) − 2 times itself: the first row of the product.
    const a = (i: number) => (i % 5) - 2;
    const expected = [0, 1, 2, 3].map((j) => Array.from({ length: 64 }, (_, k) => a(k) * a(k * 64 + j)).reduce((s, v) => s + v, 0));
    if (r.gpuRead.values) {
      expect(r.gpuRead.values).toEqual(expected); // a hardware adapter whose synchronous reads work
      expect(r.reason).not.toMatch(/synchronous reads/);
    } else {
      // Chromium's software adapter here: tfjs's canvas copy returns zeros, so the engine refuses instead.
      expect(r.gpuRead.error).toMatch(/cannot read results back synchronously.*\?backend=wasm/);
      expect(r.reason).toMatch(/software adapter: .*say they cannot/);
      // …and the device still works afterwards (an attempted canvas copy had broken it).
      expect(r.asyncAfter).toEqual(expected);
    }
    expect(r.cpuRead).toEqual([1, 2, 3]);
  }, 180_000);
});
