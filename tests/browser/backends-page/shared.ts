// What tests/browser/backends.test.ts and its worker share (no code that runs on import).
import type { BackendName } from '../../../src/engine/backend';

export interface ParityRequest {
  backend: BackendName;
  /** 'core': forward, gradients, one Adam step, a short seeded run. 'extras': QLoRA, subspace, merge, which-rank. */
  suite: 'core' | 'extras' | 'calibrate' | 'syncread';
}

/** What the 'calibrate' suite answers: the worker's chooseBackend() three times. */
export interface CalibrateResult {
  /** WebGL (software, admitted for the test) against WebAssembly, measured. */
  measured: { name: string; reason: string; timings: { name: string; msPerStep: number | null }[] | null; cached: boolean | null };
  /** The same again: from IndexedDB. */
  again: { name: string; reason: string; cached: boolean | null; ms: number };
  /** The site's default (software renderers skipped): nothing to measure. */
  site: { name: string; reason: string; calibrated: boolean; ms: number };
}

export type Arrays = Record<string, number[]>;
export interface ParityResult {
  backend: string;
  reason: string;
  values: Arrays;
}

/** 784 inputs (the digits), then small hidden layers: every layer has an adapter, as on the site. */
export const SIZES = [784, 32, 24, 10];
export const BATCH = 32;
export const RANK = 4;
export const ALPHA = 8;
export const LR = 1e-3;


/** What the 'syncread' suite answers: WebGPU forced as ?backend=webgpu does, then synchronous reads tried. */
export interface SyncReadResult {
  name: string;
  reason: string;
  /** dataSync() of a product computed on the GPU: its values, or the error it threw. */
  gpuRead: { values?: number[]; error?: string };
  /** dataSync() of a tensor made from a JavaScript array (its values stay on the CPU side). */
  cpuRead: number[];
  /** The first row of the same product read asynchronously afterwards. */
  asyncAfter: number[];
}
