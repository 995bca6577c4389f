// The benchmark's per-kernel timer (src/engine/fast/kernelProfile.ts): counts what ran, then puts tfjs back as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/index';
import { formatKernelProfile, profileKernels } from '../../src/engine/fast/kernelProfile';
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
