/**
 * Singular values for the /rank/ chapter's spectrum cell: of a weight matrix of the
 * pretrained base, and of one MNIST test digit (with its right singular vectors, so
 * the page can draw the best rank-r approximation).
 *
 * σ(W₀) are the square roots of the eigenvalues of the smaller Gram matrix. The Gram
 * matrix is formed by tfjs (float32, fast); its eigenvalues by src/core/eigen.ts (Float64).
 */
import { IMAGE_SIDE, IMAGE_SIZE, tf } from '../../engine/index';
import { jacobiEigen, smallSvd, symmetricEigenvalues } from '../../core/eigen';
import { memo } from '../resources';
import type { JobContext } from '../context';
import type { JobEvent } from '../../api/jobs';
import type { BaseModel } from '../../engine/index';
import { type WeightSpectrum, type DigitSpectrum, type WeightsParams, type DigitParams } from '../../api/spectrum';

/** σ(W₀) of one layer: square roots of the eigenvalues of the smaller Gram matrix, with the time each part took. */
async function weightSpectrum(model: BaseModel, layer: number): Promise<WeightSpectrum> {
  const k = model.sizes[layer];
  const d = model.sizes[layer + 1];
  let t = performance.now();
  // kernel = W₀ᵀ is k×d. The smaller Gram matrix: kernel·kernelᵀ (k×k) if k ≤ d, else kernelᵀ·kernel.
  // An explicit transpose then a plain matMul is the fast path on WASM.
  const gram = tf.tidy(() => {
    const { kernel } = model.layerTensors(layer);
    const kt = tf.transpose(kernel);
    return k <= d ? tf.matMul(kernel, kt) : tf.matMul(kt, kernel);
  });
  const n = Math.min(k, d);
  const g = (await gram.data()) as Float32Array;
  gram.dispose();
  const gramMs = performance.now() - t;
  t = performance.now();
  const lambda = n <= 64 ? jacobiEigen(g, n).values : symmetricEigenvalues(g, n);
  const eigenMs = performance.now() - t;
  const sigma = lambda.map((x) => Math.sqrt(Math.max(0, x)));
  return { layer, d, k, sigma, gramMs, eigenMs };
}

export const jobs = {
  async weights(p: WeightsParams, ctx: JobContext<JobEvent<'spectrum.weights'>>): Promise<WeightSpectrum> {
    const { model } = await ctx.resources.baseModel();
    if (!Number.isInteger(p.layer) || p.layer < 0 || p.layer >= model.sizes.length - 1) throw new Error(`There is no layer ${p.layer + 1}.`);
    // Computed once per layer; each caller gets its own copy of σ (it is transferred to the page).
    const result = await memo(ctx.resources, `spectrum:${p.layer}`, () => weightSpectrum(model, p.layer));
    return { ...result, sigma: result.sigma.slice() };
  },

  async digit(p: DigitParams, ctx: JobContext<JobEvent<'spectrum.digit'>>): Promise<DigitSpectrum> {
    const test = await ctx.resources.digits('test');
    if (!Number.isInteger(p.index) || p.index < 0 || p.index >= test.n) throw new Error(`Choose a digit from 0 to ${test.n - 1}.`);
    const image = new Float64Array(IMAGE_SIZE);
    for (let i = 0; i < IMAGE_SIZE; i++) image[i] = test.images[p.index * IMAGE_SIZE + i] / 255;
    const { sigma, v } = smallSvd(image, IMAGE_SIDE, IMAGE_SIDE);
    return { index: p.index, label: test.labels[p.index], image, sigma, v };
  },
};
