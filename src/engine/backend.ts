/**
 * Backend choice. tfjs offers WebGPU, WebGL, WASM and CPU; the fastest is not
 * always the first that works. On machines without a real GPU, Chromium's WebGL
 * and WebGPU run in software (SwiftShader) and are slower than WASM-SIMD
 * (measured: LoRA step 147 ms on WebGL vs 88 ms on WASM), so a software
 * renderer is detected and skipped.
 */
import { tf } from './tf';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Why this backend was chosen, in words a reader can see. */
  reason: string;
  /** Backends that were skipped and why. */
  skipped: { name: BackendName; why: string }[];
  /** Threads the engine's WebAssembly runs on (tfjs's WASM thread pool); 1 on the other backends. */
  threads: number;
  /** On WASM with one thread: why not more, in words a reader can see. */
  singleThreadWhy?: string;
  /** The backend the page asked for (?backend=…) when it could not start here, and why. */
  requested?: { name: BackendName; why: string };
}

export interface BackendOptions {
  /** Force one backend (e.g. from a URL parameter). Falls back if unavailable. */
  prefer?: BackendName;
  /** Where the site serves tfjs's .wasm files (browser only), e.g. '/tfjs/'. */
  wasmPath?: string;
  /** WASM threads to ask for (benchmarks); default: wasmThreadPlan(). Only a cross-origin isolated page gets more than 1. */
  threads?: number;
}

/**
 * tfjs-backend-wasm's threaded build starts 8 pthread workers up front (Emscripten's
 * PTHREAD_POOL_SIZE in its glue). A larger thread count would create workers while the engine
 * waits for them, so the pool size is the ceiling.
 */
export const MAX_WASM_THREADS = 8;

/**
 * How many threads the WASM backend can use here, and why only one when so. tfjs by itself takes
 * half of navigator.hardwareConcurrency (1 on a 2-core machine); the engine runs in its own worker,
 * so it asks for every core: the page's main thread only draws, and waits while the engine computes.
 * Threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages
 * (COOP same-origin + COEP require-corp; the site's service worker adds both, see src/site/sw.js).
 */
export function wasmThreadPlan(): { threads: number; why?: string } {
  if (!hasDom()) return { threads: 1, why: 'tfjs runs WebAssembly threads only in a browser' };
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  if (g.crossOriginIsolated !== true) return { threads: 1, why: 'this page is not cross-origin isolated' };
  if (typeof g.SharedArrayBuffer !== 'function') return { threads: 1, why: 'this browser gives WebAssembly no shared memory' };
  const cores = Math.floor(navigator.hardwareConcurrency || 1);
  if (cores < 2) return { threads: 1, why: 'this device reports one core' };
  return { threads: Math.min(cores, MAX_WASM_THREADS) };
}

let wasmThreads = 1;

/**
 * Threads the engine's WebAssembly work may use: the size of tfjs's WASM thread pool once the WASM
 * backend runs (all cores on a cross-origin isolated page, up to MAX_WASM_THREADS), else 1. The
 * engine's own WebAssembly products (src/engine/fast/) size their split from this.
 */
export function engineThreads(): number {
  return tf.getBackend() === 'wasm' ? wasmThreads : 1;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;
const SOFTWARE_ADAPTER = 'software (fallback) adapter';
/** Problems that make a backend slow but not unusable: it still starts when the reader asks for it. */
const slowOnly = (problem: string) => problem === SOFTWARE_ADAPTER || problem.startsWith('software rendering');

const hasDom = () => typeof navigator !== 'undefined' && typeof self !== 'undefined' && !isNode();
function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!p?.versions?.node;
}

/** Returns a reason to skip WebGL here, or null if a hardware WebGL2 context exists. */
export function webglProblem(): string | null {
  if (!hasDom()) return 'not available outside a browser';
  try {
    const canvas: OffscreenCanvas | HTMLCanvasElement =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : (globalThis as unknown as { document: Document }).document.createElement('canvas');
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return 'no WebGL2 context';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
    // The matched word, not the whole renderer string (cut short, it left parentheses open).
    const soft = SOFTWARE_RENDERER.exec(renderer);
    if (soft) return `software rendering on ${soft[0]}`;
    return null;
  } catch (e) {
    return `WebGL failed: ${(e as Error).message}`;
  }
}

/** Returns a reason to skip WebGPU here, or null if a hardware adapter exists. */
export async function webgpuProblem(): Promise<string | null> {
  if (!hasDom()) return 'not available outside a browser';
  const gpu = hasDom() ? (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu : undefined;
  if (!gpu) return 'this browser has no WebGPU';
  try {
    const adapter = (await gpu.requestAdapter()) as { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null;
    if (!adapter) return 'the browser found no GPU it can use for WebGPU, or WebGPU is turned off';
    if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter) return SOFTWARE_ADAPTER;
    return null;
  } catch (e) {
    return `WebGPU failed: ${(e as Error).message}`;
  }
}

async function register(name: BackendName, opts: BackendOptions): Promise<void> {
  if (tf.findBackendFactory(name)) return;
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPath) wasm.setWasmPaths(opts.wasmPath);
    // Before the backend starts (tfjs reads it once). tfjs runs its threaded build only where the
    // page is isolated, and then XNNPACK splits each product across this many threads.
    wasm.setThreadsCount(wasmThreadsWanted(opts));
  }
}

const wasmThreadsWanted = (opts: BackendOptions) =>
  Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(opts.threads ?? wasmThreadPlan().threads)));

/**
 * Runs `start` while this context's navigator reports `cores` logical cores. tfjs-backend-wasm's
 * C++ (backend.cc) caps its thread pool at navigator.hardwareConcurrency / 2, read once as the
 * module starts ("many x86-64 processors have 2 threads per core"), whatever setThreadsCount asks:
 * 1 thread on a 2-core machine. The engine has a worker of its own, so while the module starts the
 * worker's navigator reports twice the threads wanted, and the cap lands on exactly that count.
 * The real value comes back as soon as the module has started.
 */
async function reportingCores<T>(cores: number, start: () => Promise<T>): Promise<T> {
  const nav = navigator as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => cores });
  } catch {
    return start(); // a browser that refuses: tfjs's own cap applies, and the line shows the count
  }
  try {
    return await start();
  } finally {
    if (own) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete nav.hardwareConcurrency;
  }
}

/** Threads tfjs's WASM backend actually runs on, and why only one when so. */
async function wasmThreadsInUse(): Promise<{ threads: number; why?: string }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = wasm.getThreadsCount();
  if (threads > 1) return { threads };
  const plan = wasmThreadPlan();
  if (plan.why) return { threads: 1, why: plan.why };
  const threaded = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return { threads: 1, why: threaded ? 'one thread was asked for' : "this browser's WebAssembly has no threads" };
}

async function tryBackend(name: BackendName, opts: BackendOptions): Promise<string | null> {
  try {
    await register(name, opts);
    const threads = name === 'wasm' && hasDom() ? wasmThreadsWanted(opts) : 1;
    const start = async () => {
      const ok = await tf.setBackend(name);
      if (ok) await tf.ready();
      return ok;
    };
    const ok = threads > 1 ? await reportingCores(2 * threads, start) : await start();
    return ok ? null : 'failed to initialise';
  } catch (e) {
    return (e as Error).message || 'failed to initialise';
  }
}

/**
 * Picks and initialises the fastest usable backend. With `prefer` (the page's ?backend=…) that one
 * is tried first, even where it would run in software; when it cannot start, `requested` says why
 * and the fastest usable one runs instead.
 */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const skipped: BackendInfo['skipped'] = [];
  let requested: BackendInfo['requested'];
  const order: BackendName[] = opts.prefer ? [opts.prefer, ...BACKENDS.filter((b) => b !== opts.prefer)] : [...BACKENDS];
  for (const name of order) {
    const forced = name === opts.prefer;
    const problem = name === 'webgpu' ? await webgpuProblem() : name === 'webgl' ? webglProblem() : null;
    const failure = problem && !(forced && slowOnly(problem)) ? problem : await tryBackend(name, opts);
    if (failure) {
      skipped.push({ name, why: failure });
      if (forced) requested = { name, why: failure };
      continue;
    }
    const others = skipped.filter((s) => s.name !== requested?.name);
    const reason = forced
      ? 'chosen by you'
      : [
          requested ? `${requested.name} was asked for but is not available here: ${requested.why}` : '',
          others.length ? `fastest available (skipped ${others.map((s) => `${s.name}: ${s.why}`).join('; ')})` : 'fastest available',
        ].filter(Boolean).join('; ');
    const threads = name === 'wasm' ? await wasmThreadsInUse() : { threads: 1 };
    wasmThreads = name === 'wasm' ? threads.threads : 1;
    return { name, reason, skipped, threads: threads.threads, singleThreadWhy: threads.why, ...(requested ? { requested } : {}) };
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
}
