// The benchmark's per-kernel timer (src/engine/fast/kernelProfile.ts): counts what ran, then puts tfjs back as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/index';
import { countDispatches, formatDispatchCount, formatKernelProfile, profileKernels } from '../../src/engine/fast/kernelProfile';
import { useWasm } from './helpers';

beforeAll(useWasm);

describe('profileKernels', () => {
  it('counts each kernel call with its input shapes, and restores the original kernels', async () => {
    const a = tf.ones([3, 4]);
    const before = tf.getKernel('Add', 'wasm')!.kernelFunc;
    const p = await profileKernels(async () => {
      tf.tidy(() => {
        tf.add(a, a);
        tf.add(a, a);
        tf.relu(a);
      });
    }, 3);
    const add = p.rows.find((r) => r.kernel === 'Add 3x4,3x4');
    expect(add?.callsPerStep).toBe(2);
    expect(p.rows.find((r) => r.kernel.startsWith('Relu'))?.callsPerStep).toBe(1);
    expect(p.kernelsPerStep).toBe(3);
    expect(p.kernelMsPerStep).toBeLessThanOrEqual(p.stepMs);
    expect(tf.getKernel('Add', 'wasm')!.kernelFunc).toBe(before);
    expect(formatKernelProfile(p, 'a test')).toMatch(/kernels of a test: 3 calls/);
    a.dispose();
  });
});

describe('countDispatches', () => {
  it('counts kernels, synchronous and asynchronous reads per step, and restores the backend', async () => {
    const a = tf.ones([3, 4]);
    const backend = tf.backend() as unknown as Record<string, unknown>;
    const readSync = backend.readSync;
    const before = tf.getKernel('Add', 'wasm')!.kernelFunc;
    const c = await countDispatches(async () => {
      for (let step = 0; step < 2; step++) {
        const y = tf.tidy(() => tf.relu(tf.add(a, a)));
        y.dataSync(); // one synchronous read a step
        await y.data(); // one asynchronous read (WASM's read() calls readSync inside: not a second sync read)
        y.dispose();
      }
    }, 2);
    expect(c).toEqual({ steps: 2, kernelsPerStep: 2, gpuProgramsPerStep: null, syncReadsPerStep: 1, asyncReadsPerStep: 1 });
    expect(formatDispatchCount(c)).toMatch(/2 tfjs kernels, no GPU programs .* 1 synchronous reads, 1 asynchronous reads/);
    expect(backend.readSync).toBe(readSync);
    expect(Object.prototype.hasOwnProperty.call(backend, 'readSync')).toBe(false);
    expect(tf.getKernel('Add', 'wasm')!.kernelFunc).toBe(before);
    a.dispose();
  });
});
