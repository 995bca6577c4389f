/**
 * The browser half of `npm run bench -- --browser`: runs the engine's
 * benchmark in a Web Worker, as the site runs its engine. Bundled on the fly
 * by scripts/bench-browser.ts; not part of the site.
 */
import { initBackend, tf, type BackendName } from '../../src/engine/index';
import { runBenchmarks, type BenchOptions } from '../../src/engine/fast/benchmark';

export interface BenchRequest {
  /** A backend to force, or undefined for what the site picks by itself. */
  prefer?: BackendName;
  /** WASM threads (needs a cross-origin isolated page); undefined = every core (initBackend's default). */
  threads?: number;
  opts: Omit<BenchOptions, 'log'>;
}

const post = (msg: unknown) => (self as unknown as Worker).postMessage(msg);

self.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const { prefer, threads, opts } = e.data;
  try {
    // initBackend sets tfjs's thread count itself (every core by default, and past tfjs's own cap).
    const info = await initBackend({ prefer, wasmPath: '/tfjs/', threads });
    let wasmThreads: number | null = null;
    let wasmSimd: boolean | null = null;
    if (info.name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasmThreads = wasm.getThreadsCount();
      wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
    }
    const isolated = (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false;
    post({ kind: 'backend', info, wasmThreads, wasmSimd, isolated });
    const result = await runBenchmarks({ ...opts, log: (line) => post({ kind: 'log', line }) });
    post({ kind: 'done', result, backend: tf.getBackend() });
  } catch (err) {
    post({ kind: 'error', message: (err as Error).message ?? String(err) });
  }
};
