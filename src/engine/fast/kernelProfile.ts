/**
 * Where a training step's time goes, kernel by kernel: every kernel of the
 * current backend is wrapped with a timer while `run` runs, then restored.
 * For `npm run bench -- --kernels`; a developer's tool, not used by the site.
 * The wrappers add a little time of their own, so the total is a little high.
 */
import { tf } from '../tf';

export interface KernelTime {
  /** Kernel name and the shapes of its inputs, e.g. "LoraLiveDense 64x1000,1000x2000". */
  kernel: string;
  callsPerStep: number;
  msPerStep: number;
}

export interface KernelProfile {
  stepMs: number;
  kernelMsPerStep: number;
  kernelsPerStep: number;
  rows: KernelTime[];
}

export async function profileKernels(step: () => Promise<void>, steps: number): Promise<KernelProfile> {
  const backend = tf.getBackend();
  const originals = tf.getKernelsForBackend(backend);
  const totals = new Map<string, { calls: number; ms: number }>();
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, backend);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const t0 = performance.now();
        const out = k.kernelFunc(args);
        const ms = performance.now() - t0;
        const shapes = Object.values(args.inputs).map((t) => t?.shape.join('x') ?? '').join(',');
        const key = `${k.kernelName} ${shapes}`;
        const e = totals.get(key) ?? { calls: 0, ms: 0 };
        e.calls++;
        e.ms += ms;
        totals.set(key, e);
        return out;
      },
    });
  }
  const t0 = performance.now();
  try {
    for (let i = 0; i < steps; i++) await step();
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, backend);
      tf.registerKernel(k);
    }
  }
  const stepMs = (performance.now() - t0) / steps;
  const rows = [...totals].map(([kernel, e]) => ({ kernel, callsPerStep: e.calls / steps, msPerStep: e.ms / steps })).sort((a, b) => b.msPerStep - a.msPerStep);
  return {
    stepMs,
    kernelMsPerStep: rows.reduce((s, r) => s + r.msPerStep, 0),
    kernelsPerStep: rows.reduce((s, r) => s + r.callsPerStep, 0),
    rows,
  };
}

export function formatKernelProfile(p: KernelProfile, title = 'one LoRA r=4 step', top = 25): string {
  const lines = [
    `kernels of ${title}: ${p.kernelsPerStep.toFixed(0)} calls, ${p.kernelMsPerStep.toFixed(2)} ms in kernels of ${p.stepMs.toFixed(2)} ms a step (the rest: JavaScript around them)`,
  ];
  for (const r of p.rows.slice(0, top)) lines.push(`  ${r.kernel.padEnd(56)} ${r.callsPerStep.toFixed(1).padStart(5)} × ${r.msPerStep.toFixed(3).padStart(7)} ms`);
  return lines.join('\n');
}

export interface DispatchCount {
  steps: number;
  /** tfjs kernels run through the kernel registry, per step (a kernel that calls another's function directly counts once). */
  kernelsPerStep: number;
  /** GPU programs the backend ran per step (WebGL: runWebGLProgram, WebGPU: runWebGPUProgram); null on WASM and CPU. */
  gpuProgramsPerStep: number | null;
  /** Synchronous reads (backend.readSync: dataSync, arraySync, and any a kernel makes): on a GPU each one stalls until the GPU is done. */
  syncReadsPerStep: number;
  /** Asynchronous reads (backend.read: data(), array()). */
  asyncReadsPerStep: number;
}

type Counted = Record<string, unknown>;

/**
 * Counts what `run` makes the current backend do, divided by `steps`: kernels
 * through the registry (each wrapped with a counter while `run` runs, as in
 * profileKernels), GPU programs and reads (the backend's own methods wrapped).
 * For `npm run bench`: the dispatch and read-back figures of issue 15.
 */
export async function countDispatches(run: () => Promise<void>, steps: number): Promise<DispatchCount> {
  const backendName = tf.getBackend();
  const backend = tf.backend() as unknown as Counted;
  const originals = tf.getKernelsForBackend(backendName);
  let kernels = 0;
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({ ...k, kernelFunc: (args) => (kernels++, k.kernelFunc(args)) });
  }
  const counts: Record<string, number> = {};
  const methods = ['runWebGLProgram', 'runWebGPUProgram', 'readSync', 'read'].filter((m) => typeof backend[m] === 'function');
  const saved = new Map<string, unknown>();
  // WASM's and CPU's read() call readSync(): a read inside read() is the asynchronous read itself.
  let inRead = 0;
  for (const m of methods) {
    const f = backend[m] as (...a: unknown[]) => unknown;
    saved.set(m, Object.prototype.hasOwnProperty.call(backend, m) ? f : undefined);
    counts[m] = 0;
    backend[m] = function (this: unknown, ...a: unknown[]) {
      if (m !== 'readSync' || !inRead) counts[m]++;
      if (m !== 'read') return f.apply(this, a);
      inRead++;
      try {
        return f.apply(this, a);
      } finally {
        inRead--;
      }
    };
  }
  try {
    await run();
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, backendName);
      tf.registerKernel(k);
    }
    for (const m of methods) {
      const own = saved.get(m);
      if (own) backend[m] = own;
      else delete backend[m];
    }
  }
  const gpu = 'runWebGLProgram' in counts ? counts.runWebGLProgram : 'runWebGPUProgram' in counts ? counts.runWebGPUProgram : null;
  return {
    steps,
    kernelsPerStep: kernels / steps,
    gpuProgramsPerStep: gpu === null ? null : gpu / steps,
    syncReadsPerStep: (counts.readSync ?? 0) / steps,
    asyncReadsPerStep: (counts.read ?? 0) / steps,
  };
}

export function formatDispatchCount(c: DispatchCount, title = 'LoRA r=4 step'): string {
  const f = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  return `dispatches per ${title} (${c.steps} steps through Trainer.run, loss read every 10): ` +
    `${f(c.kernelsPerStep)} tfjs kernels, ${c.gpuProgramsPerStep === null ? 'no GPU programs (CPU-side backend)' : `${f(c.gpuProgramsPerStep)} GPU programs`}, ` +
    `${f(c.syncReadsPerStep)} synchronous reads, ${f(c.asyncReadsPerStep)} asynchronous reads`;
}
