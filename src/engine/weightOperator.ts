/**
 * W₀ of one layer (the paper's orientation, d×k) as a LinearOperator whose large products run on
 * tfjs and come back asynchronously: on WebGPU's software adapter a synchronous read throws
 * (SYNC_READ_BROKEN), and on any GPU it would stall. The small dense work of core/analysis stays in
 * plain TypeScript. Used by the /which-rank/ ΔW-vs-W analysis and the backend parity page (tests/browser/backends-page).
 */
import { readAsync, readScalar, tf, type Tensor2D } from './tf';
import type { LinearOperator, Mat } from '../core/analysis/index';

export async function weightOperator(kernel: Tensor2D): Promise<{ op: LinearOperator; norm: number; dispose(): void }> {
  const [k, d] = kernel.shape;
  const product = async (m: Tensor2D, x: Mat): Promise<Mat> => {
    const out = tf.tidy(() => tf.matMul(m, tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols])));
    const [rows, cols] = out.shape;
    return { rows, cols, data: Float64Array.from(await readAsync(() => out)) };
  };
  const norm = await readScalar(() => tf.norm(kernel));
  // Made after the only await that could fail here, so a failed read leaks nothing.
  const w = tf.transpose(kernel) as Tensor2D; // d×k
  return {
    op: { rows: d, cols: k, mul: (x) => product(w, x), mulT: (x) => product(kernel, x) },
    norm,
    dispose: () => w.dispose(),
  };
}
