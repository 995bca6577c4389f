/**
 * The one place the engine imports TensorFlow.js from. We use tfjs-core plus
 * explicit backends rather than the `@tensorflow/tfjs` bundle: the engine needs
 * no layers or converter, and that keeps the site's download small.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tf-gradients';
export { tf };
export type { Tensor, Tensor1D, Tensor2D, Variable, Scalar } from '@tensorflow/tfjs-core';

/**
 * Runs `make` in a tf.tidy and reads its result back asynchronously, then frees it. Jobs read this
 * way: on a GPU a synchronous read (dataSync) stalls until the GPU is done, and on WebGPU's software
 * adapter it throws (guardSyncReads in calibrate.ts, issue 15).
 */
export async function readAsync(make: () => tf.Tensor): Promise<Float32Array> {
  const t = tf.tidy(make);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** One number (e.g. a norm), read as readAsync reads. */
export async function readScalar(make: () => tf.Tensor): Promise<number> {
  return (await readAsync(make))[0];
}
