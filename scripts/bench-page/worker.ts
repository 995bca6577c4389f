/**
 * The browser half of `npm run bench -- --browser`: runs the engine's
 * benchmark in a Web Worker, as the site runs its engine. Bundled on the fly
 * by scripts/bench-browser.ts; not part of the site.
 */
import { initBackend, tf, type BackendName } from '../../src/engine/index';
import { runBenchmarks, type BenchOptions, type BenchResult } from '../../src/engine/fast/benchmark';
import { runGptBenchmarks } from '../../src/engine/gptBenchmark';
import { gemmFor, setFastThreads, startFastThreads } from '../../src/engine/fast/gemm';

export interface BenchRequest {
  /** A backend to force, or undefined for what the site picks by itself. */
  prefer?: BackendName;
  /** Threads for tfjs's WASM kernels and the fast path's products (needs a cross-origin isolated page); undefined = every core. */
  threads?: number;
  opts: Omit<BenchOptions, 'log'>;
  /** Which models to time (default: the MLP only). */
  models?: ('mlp' | 'gpt')[];
}

const post = (msg: unknown) => (self as unknown as Worker).postMessage(msg);

self.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const { prefer, threads, opts, models = ['mlp'] } = e.data;
  try {
    // initBackend sets tfjs's thread count itself (every core by default, and past tfjs's own cap).
    const info = await initBackend({ prefer, wasmPath: '/tfjs/', threads });
    if (threads) setFastThreads(threads);
    let wasmThreads: number | null = null;
    let wasmSimd: boolean | null = null;
    if (info.name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasmThreads = wasm.getThreadsCount();
      wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
    }
    const isolated = (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false;
    // The fast path's helper threads start only when this worker's event loop turns: before the timing.
    const fast = info.name === 'wasm' ? await startFastThreads(tf.backend()) : null;
    post({ kind: 'backend', info, wasmThreads, wasmSimd, isolated, fastThreads: fast });
    const log = (line: string) => post({ kind: 'log', line });
    const result: BenchResult | null = models.includes('mlp') ? await runBenchmarks({ ...opts, log }) : null;
    const gpt: BenchResult | null = models.includes('gpt') ? await runGptBenchmarks({ ...opts, log }) : null;
    const g = info.name === 'wasm' ? gemmFor(tf.backend()) : null;
    post({ kind: 'done', result, gpt, backend: tf.getBackend(), fastThreadsReady: g?.readyThreads ?? null, threadStats: g?.threadStats() ?? null });
  } catch (err) {
    post({ kind: 'error', message: (err as Error).message ?? String(err) });
  }
};
