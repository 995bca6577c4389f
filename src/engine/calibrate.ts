/**
 * Choosing the backend by measuring it. A GPU is not always faster for our
 * networks: at batch 64 a training step is some two hundred small tfjs
 * kernels, and on WebGL and WebGPU each is a separate GPU dispatch with its
 * own overhead. So where the device offers a hardware GPU, the engine times a
 * few LoRA r = 4 training steps of the site's own network (784→1000→2000→10,
 * batch 64) on each usable candidate — hardware WebGPU, hardware WebGL and
 * WebAssembly — and keeps the fastest. Software renderers (SwiftShader,
 * llvmpipe, WebGPU's fallback adapter) are not candidates: they are 10–100×
 * slower than WebAssembly on the same CPU (README, "Speed on machines without
 * a GPU").
 *
 * Cost. Where there is no hardware GPU there is nothing to measure and no
 * delay. Otherwise the measurement is capped at `budgetMs` (default 1 s, the
 * most a cell's first progress may wait) and its result is cached per device
 * and site version (IndexedDB: workers have no localStorage), so it runs
 * once. A candidate that did not finish inside the budget (e.g. a GPU still
 * compiling its shaders) is reported as not measured; the decision is then
 * made on what was measured and not cached, so the next visit measures again.
 * The budget is checked between steps: a candidate's first step (where a GPU
 * compiles its shaders) cannot be cut short, so on a first visit a slow
 * compiler can stretch the wait past 1 s by that step's time.
 */
import { tf, type Tensor2D } from './tf';
import { initBackend, webglProblem, webgpuProblem, type BackendInfo, type BackendName, type BackendOptions } from './backend';
import { DEFAULT_SIZES, Mlp } from './mlp';
import { LoraModel } from './lora';
import { Trainer } from './trainer';
import { DigitTensors, IMAGE_SIZE, type Digits } from './data';
import { mulberry32 } from '../core/rng';
import { median } from '../core/stats';

export interface Timing {
  name: BackendName;
  /** Median ms per training step, or null if the candidate was not measured (see `note`). */
  msPerStep: number | null;
  note?: string;
}

export interface Calibration {
  choice: BackendName;
  timings: Timing[];
  /** True when the decision came from the cache (measured on an earlier visit). */
  cached: boolean;
}

export interface CalibrationOptions extends BackendOptions {
  /** Changes whenever the site (and so the engine) changes: a new version measures again. */
  version: string;
  /** Longest the measurement may take, ms (default 1,000). */
  budgetMs?: number;
  /** Candidates to consider; default: hardware WebGPU, hardware WebGL, WebAssembly. */
  candidates?: BackendName[];
  /** Measure software renderers too (tests only: they are never worth it for a reader). */
  includeSoftware?: boolean;
  /** Where decisions are kept; default IndexedDB where it exists, else none. */
  cache?: CalibrationCache | null;
  /** Timed steps per candidate after one warm-up step (default 3). */
  steps?: number;
  sizes?: readonly number[];
}

export interface CalibrationCache {
  get(key: string): Promise<Calibration | undefined>;
  put(key: string, value: Calibration): Promise<void>;
}

export interface ChosenBackend extends BackendInfo {
  calibration?: Calibration;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU' };

/** "WebGPU 2.8 ms/step · WebAssembly 9.6 ms/step → WebGPU" */
export function describeCalibration(c: Calibration): string {
  const parts = c.timings.map((t) => (t.msPerStep === null ? `${LABEL[t.name]} ${t.note ?? 'not measured'}` : `${LABEL[t.name]} ${formatMs(t.msPerStep)} ms/step`));
  return `${parts.join(' · ')} → ${LABEL[c.choice]}${c.cached ? ' (measured on an earlier visit)' : ''}`;
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : ms.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** The fastest measured candidate; null if none was measured. Ties go to the earlier candidate. */
export function fastest(timings: readonly Timing[]): BackendName | null {
  let best: Timing | null = null;
  for (const t of timings) if (t.msPerStep !== null && (best === null || t.msPerStep < best.msPerStep!)) best = t;
  return best?.name ?? null;
}

function randomDigits(n: number): Digits {
  const rand = mulberry32(7);
  const images = new Uint8Array(n * IMAGE_SIZE);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(rand() * 256);
  return { n, images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10) };
}

/**
 * Times LoRA r = 4 training steps on the current backend: one warm-up step (shader compiles, WASM set-up),
 * then up to `steps` timed ones, stopping at `deadline` (performance.now()). Null if no timed step fit.
 */
async function timeSteps(sizes: readonly number[], steps: number, deadline: number): Promise<{ ms: number | null; note?: string }> {
  const data = new DigitTensors(randomDigits(128));
  const base = Mlp.random(sizes, 0);
  const model = LoraModel.withAdapters(base, [0, 1, 2].filter((l) => l < sizes.length - 1), { rank: 4, alpha: 8 }, 1);
  const trainer = new Trainer(model.variables(), (x: Tensor2D) => model.forward(x), data, { steps: 1e9, batchSize: 64, seed: 1 });
  try {
    await trainer.singleStep();
    const samples: number[] = [];
    while (samples.length < steps && performance.now() < deadline) {
      const t0 = performance.now();
      await trainer.singleStep(); // reads the loss back: the step is done on the device
      samples.push(performance.now() - t0);
    }
    if (!samples.length) return { ms: null, note: 'still starting up' };
    return { ms: median(samples) };
  } finally {
    trainer.dispose();
    model.disposeAdapters();
    base.dispose();
    data.dispose();
  }
}

/** A short description of this device for the cache key: the GPU the browser reports, the core count, the browser. */
async function deviceKey(): Promise<string> {
  const parts: string[] = [];
  type Adapter = { info?: Record<string, string> } | null;
  const nav = (globalThis as unknown as { navigator?: { userAgent: string; hardwareConcurrency: number; gpu?: { requestAdapter(): Promise<Adapter> } } }).navigator;
  if (nav) parts.push(nav.userAgent, String(nav.hardwareConcurrency));
  try {
    const adapter = await nav?.gpu?.requestAdapter();
    if (adapter?.info) parts.push([adapter.info.vendor, adapter.info.architecture, adapter.info.device, adapter.info.description].join('/'));
  } catch {
    // no WebGPU: the rest of the key still tells devices apart
  }
  try {
    const gl = typeof OffscreenCanvas !== 'undefined' ? (new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null) : null;
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    if (gl && ext) parts.push(String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)));
  } catch {
    // no WebGL
  }
  return parts.join('|');
}

/** IndexedDB, where the worker has it; null otherwise (then every visit measures, within the budget). */
export function indexedDbCache(dbName = 'lora-live-engine', store = 'calibration'): CalibrationCache | null {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return null;
  const open = () => new Promise<IDBDatabase>((resolve, reject) => {
    const req = idb.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(store);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const run = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const req = f(db.transaction(store, mode).objectStore(store));
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  };
  return {
    get: (key) => run('readonly', (s) => s.get(key) as IDBRequest<Calibration | undefined>).catch(() => undefined),
    put: (key, value) => run('readwrite', (s) => s.put(value, key)).then(() => undefined, () => undefined),
  };
}

export const SYNC_READ_BROKEN = 'This WebGPU adapter (a software one) cannot read results back synchronously, so this part of the page cannot run on it. Open the page with ?backend=wasm or ?backend=webgl.';

/** Whatever reads tensors synchronously: a backend, or tfjs's engine (which every dataSync, arraySync and bufferSync goes through). */
export interface SyncReader {
  readSync(dataId: object): unknown;
}

/**
 * Makes `target.readSync` throw SYNC_READ_BROKEN except for the data `allow` lets through; returns a
 * function that restores it. guardSyncReads puts it on the WebGPU backend; unit tests put it on
 * `tf.engine()` to prove that a job reads only asynchronously, on any backend.
 */
export function refuseSyncReads(target: SyncReader, allow: (dataId: object) => boolean = () => false): () => void {
  const own = Object.prototype.hasOwnProperty.call(target, 'readSync');
  const original = target.readSync;
  target.readSync = (dataId: object) => {
    if (allow(dataId)) return original.call(target, dataId);
    throw new Error(SYNC_READ_BROKEN);
  };
  return () => {
    if (own) target.readSync = original;
    else delete (target as Partial<SyncReader>).readSync;
  };
}

/**
 * tfjs's WebGPU backend reads synchronously (dataSync) by copying the buffer through a canvas. On
 * Chromium's software (fallback) adapter that copy returned zeros, in a worker and on the page; tfjs kept
 * the zeros as the tensor's values, and the device then failed later work ("createBuffer failed",
 * "A valid external Instance reference no longer exists"). So on a fallback adapter, synchronous reads
 * of GPU results throw SYNC_READ_BROKEN instead (values that still live on the CPU side read as before);
 * training never reads synchronously. Hardware adapters are left alone: the copy is slow there but
 * tfjs's own tests run it. Returns a note for the backend line, or null.
 */
export async function guardSyncReads(): Promise<string | null> {
  if (tf.getBackend() !== 'webgpu') return null;
  const problem = await webgpuProblem();
  if (!problem || !/fallback/.test(problem)) return null;
  const backend = tf.backend() as unknown as SyncReader & { tensorMap: { get(id: object): { values?: unknown } | undefined } };
  refuseSyncReads(backend, (dataId) => backend.tensorMap.get(dataId)?.values != null);
  return 'software adapter: training runs, parts that read results synchronously say they cannot';
}

/**
 * Picks and initialises the backend: `prefer` forces one (as initBackend does); otherwise the fastest
 * usable candidate by measurement, or initBackend's own order where there is nothing to compare.
 * On WebGPU's software adapter, synchronous reads are refused with a message (guardSyncReads).
 */
export async function chooseBackend(opts: CalibrationOptions): Promise<ChosenBackend> {
  const info = await pickBackend(opts);
  const note = await guardSyncReads();
  return note ? { ...info, reason: `${info.reason}; ${note}` } : info;
}

async function pickBackend(opts: CalibrationOptions): Promise<ChosenBackend> {
  if (opts.prefer) return initBackend(opts);
  const skipped: BackendInfo['skipped'] = [];
  const candidates: BackendName[] = [];
  for (const name of opts.candidates ?? (['webgpu', 'webgl', 'wasm'] as BackendName[])) {
    const problem = opts.includeSoftware ? null : name === 'webgpu' ? await webgpuProblem() : name === 'webgl' ? webglProblem() : null;
    if (problem) skipped.push({ name, why: problem });
    else candidates.push(name);
  }
  // One candidate (no hardware GPU: WebAssembly alone): nothing to measure, no delay.
  if (candidates.length < 2) return initBackend(opts);

  const cache = opts.cache === undefined ? indexedDbCache() : opts.cache;
  const key = `${opts.version}|${tf.version_core}|${candidates.join(',')}|${await deviceKey()}`;
  const hit = await cache?.get(key);
  if (hit && candidates.includes(hit.choice)) {
    const info = await initBackend({ ...opts, prefer: hit.choice });
    if (info.name === hit.choice) {
      const calibration = { ...hit, cached: true };
      return { ...info, reason: describeCalibration(calibration), skipped, calibration };
    }
  }

  const deadline = performance.now() + (opts.budgetMs ?? 1000);
  const timings: Timing[] = [];
  // WebAssembly first: the baseline every GPU must beat, and cheap to start.
  const order = [...candidates].sort((a, b) => Number(b === 'wasm') - Number(a === 'wasm'));
  for (const name of order) {
    if (performance.now() >= deadline) {
      timings.push({ name, msPerStep: null, note: 'not measured (out of time)' });
      continue;
    }
    const info = await initBackend({ ...opts, prefer: name });
    if (info.name !== name) {
      skipped.push({ name, why: info.skipped.find((s) => s.name === name)?.why ?? 'failed to initialise' });
      continue;
    }
    try {
      const { ms, note } = await timeSteps(opts.sizes ?? DEFAULT_SIZES, opts.steps ?? 3, deadline);
      timings.push({ name, msPerStep: ms, note });
    } catch (e) {
      skipped.push({ name, why: (e as Error).message || 'failed while measuring' });
    }
  }
  const choice = fastest(timings);
  if (!choice) return initBackend(opts);
  const complete = timings.every((t) => t.msPerStep !== null);
  const calibration: Calibration = { choice, timings, cached: false };
  if (complete) await cache?.put(key, calibration);
  const info = await initBackend({ ...opts, prefer: choice });
  return { ...info, reason: describeCalibration(calibration), skipped, calibration };
}
