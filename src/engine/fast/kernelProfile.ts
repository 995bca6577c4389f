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
