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
}

export interface BackendOptions {
  /** Force one backend (e.g. from a URL parameter). Falls back if unavailable. */
  prefer?: BackendName;
  /** Where the site serves tfjs's .wasm files (browser only), e.g. '/tfjs/'. */
  wasmPath?: string;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

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
    if (SOFTWARE_RENDERER.test(renderer)) return `software renderer (${renderer.slice(0, 60)})`;
    return null;
  } catch (e) {
    return `WebGL failed: ${(e as Error).message}`;
  }
}

/** Returns a reason to skip WebGPU here, or null if a hardware adapter exists. */
export async function webgpuProblem(): Promise<string | null> {
  if (!hasDom()) return 'not available outside a browser';
  const gpu = hasDom() ? (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu : undefined;
  if (!gpu) return 'no WebGPU in this browser';
  try {
    const adapter = (await gpu.requestAdapter()) as { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null;
    if (!adapter) return 'no WebGPU adapter';
    if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter) return 'software (fallback) adapter';
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
  }
}

async function tryBackend(name: BackendName, opts: BackendOptions): Promise<string | null> {
  try {
    await register(name, opts);
    const ok = await tf.setBackend(name);
    if (!ok) return 'failed to initialise';
    await tf.ready();
    return null;
  } catch (e) {
    return (e as Error).message || 'failed to initialise';
  }
}

/** Picks and initialises the fastest usable backend. */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const skipped: BackendInfo['skipped'] = [];
  const order: BackendName[] = opts.prefer ? [opts.prefer, ...BACKENDS.filter((b) => b !== opts.prefer)] : [...BACKENDS];
  for (const name of order) {
    const forced = name === opts.prefer;
    if (!forced) {
      const problem = name === 'webgpu' ? await webgpuProblem() : name === 'webgl' ? webglProblem() : null;
      if (problem) {
        skipped.push({ name, why: problem });
        continue;
      }
    }
    const failure = await tryBackend(name, opts);
    if (failure) {
      skipped.push({ name, why: failure });
      continue;
    }
    const reason = forced
      ? 'chosen by you'
      : skipped.length
        ? `fastest available (${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')})`
        : 'fastest available';
    return { name, reason, skipped };
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
}

export function currentBackend(): string {
  return tf.getBackend();
}
