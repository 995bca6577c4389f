/**
 * Softmax cross-entropy against integer labels, as one kernel with a
 * one-kernel gradient on the WASM backend.
 *
 * Why. tf.losses.softmaxCrossEntropy(tf.oneHot(labels), logits) runs about
 * twenty small kernels forward and back (one-hot, log-sum-exp, mean and their
 * gradients) on a 64×10 batch: their cost is the calls, ~0.3 ms of a training
 * step. Here the loss and its gradient are plain loops over the logits in
 * tfjs's WASM memory, in double precision, so they differ from tfjs's float32
 * kernels by rounding only.
 */
import { tf, type Scalar, type Tensor, type Tensor1D, type Tensor2D } from '../tf';
import { fastPathApplies, fastPathEnabled, saveForGradient } from './ops';
import { xentGradWebgpu, xentWebgpu } from '../gpu/lossWebgpu';

const XENT_KERNEL = 'LoraLiveSoftmaxXent';
const XENT_GRAD_KERNEL = 'LoraLiveSoftmaxXentGrad';
let gradientRegistered = false;

interface WasmHeap {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** Mean over the batch of −log softmax(logits)[label]: tf.losses.softmaxCrossEntropy with one-hot labels. */
export function softmaxCrossEntropy(logits: Tensor2D, labels: Tensor1D): Scalar {
  // WASM: loops over tfjs's memory (below); WebGPU: two GPU programs (gpu/lossWebgpu.ts).
  const here = fastPathApplies() || tf.getBackend() === 'webgpu';
  if (!fastPathEnabled() || !here || logits.dtype !== 'float32' || labels.dtype !== 'int32') {
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as Scalar;
  }
  if (labels.shape[0] !== logits.shape[0]) throw new Error(`${labels.shape[0]} labels for ${logits.shape[0]} rows of logits.`);
  ensureKernels();
  const loss = tf.engine().runKernel(XENT_KERNEL, { logits, labels }) as Scalar;
  saveForGradient(loss, [logits, labels]);
  return loss;
}

/** Per row: the softmax of the logits, minus 1 at the label (the gradient of −log p[label]); returns −log p[label]. */
function rowLoss(z: Float32Array, row: number, classes: number, label: number, grad?: Float32Array, gradScale = 1): number {
  if (!(label >= 0 && label < classes)) throw new Error(`Label ${label} is not a class (0–${classes - 1}).`);
  const at = row * classes;
  let max = -Infinity;
  for (let j = 0; j < classes; j++) max = Math.max(max, z[at + j]);
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += Math.exp(z[at + j] - max);
  if (grad) {
    for (let j = 0; j < classes; j++) grad[at + j] = (Math.exp(z[at + j] - max) / sum - (j === label ? 1 : 0)) * gradScale;
  }
  return max + Math.log(sum) - z[at + label];
}

function ensureKernels(): void {
  const backendName = tf.getBackend();
  if (tf.getKernel(XENT_KERNEL, backendName)) return;
  tf.registerKernel({
    kernelName: XENT_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { logits, labels } = inputs as Record<string, tf.TensorInfo>;
      if (backendName === 'webgpu') return xentWebgpu(backend, logits, labels);
      const heap = backend as unknown as WasmHeap;
      const [n, classes] = logits.shape;
      const z = heap.typedArrayFromHeap(logits) as Float32Array;
      const y = heap.typedArrayFromHeap(labels) as Int32Array;
      let total = 0;
      for (let i = 0; i < n; i++) total += rowLoss(z, i, classes, y[i]);
      const out = heap.makeOutput([], 'float32');
      heap.typedArrayFromHeap(out)[0] = n ? total / n : 0;
      return out;
    },
  });
  tf.registerKernel({
    kernelName: XENT_GRAD_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { logits, labels, dy } = inputs as Record<string, tf.TensorInfo>;
      if (backendName === 'webgpu') return xentGradWebgpu(backend, logits, labels, dy);
      const heap = backend as unknown as WasmHeap;
      const [n, classes] = logits.shape;
      // Allocate first: a new output may grow the WASM memory, which detaches views made before it.
      const out = heap.makeOutput(logits.shape, 'float32');
      const z = heap.typedArrayFromHeap(logits) as Float32Array;
      const y = heap.typedArrayFromHeap(labels) as Int32Array;
      const g = heap.typedArrayFromHeap(out) as Float32Array;
      const scale = (heap.typedArrayFromHeap(dy)[0] as number) / n;
      for (let i = 0; i < n; i++) rowLoss(z, i, classes, y[i], g, scale);
      return out;
    },
  });
  // The gradient is the same for every backend: register it once (tfjs warns when one is replaced).
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: XENT_KERNEL,
    inputsToSave: [],
    outputsToSave: [],
    gradFunc: (dy, saved) => {
      const [logits, labels] = saved;
      return {
        logits: () => tf.engine().runKernel(XENT_GRAD_KERNEL, { logits, labels, dy: dy as Tensor }) as Tensor,
        labels: () => tf.zeros(labels.shape), // float32: tfjs accepts no other gradient (never asked for: labels are data)
      };
    },
  });
}
