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
import { baseModel, digits } from '../resources';
import { type WeightSpectrum, type DigitSpectrum, type WeightsParams, type DigitParams } from '../../api/spectrum';

const weightCache = new Map<number, WeightSpectrum>();

export const jobs = {
  async weights(p: WeightsParams): Promise<WeightSpectrum> {
    const cached = weightCache.get(p.layer);
    if (cached) return { ...cached, sigma: cached.sigma.slice() };
    const { model } = await baseModel();
    if (!Number.isInteger(p.layer) || p.layer < 0 || p.layer >= model.sizes.length - 1) throw new Error(`There is no layer ${p.layer + 1}.`);
    const k = model.sizes[p.layer];
    const d = model.sizes[p.layer + 1];
    let t = performance.now();
    // kernel = W₀ᵀ is k×d. The smaller Gram matrix: kernel·kernelᵀ (k×k) if k ≤ d, else kernelᵀ·kernel.
    // An explicit transpose then a plain matMul is the fast path on WASM.
    const gram = tf.tidy(() => {
      const { kernel } = model.layerTensors(p.layer);
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
    const result = { layer: p.layer, d, k, sigma, gramMs, eigenMs };
    weightCache.set(p.layer, result);
    return { ...result, sigma: sigma.slice() };
  },

  async digit(p: DigitParams): Promise<DigitSpectrum> {
    const test = await digits('test');
    if (!Number.isInteger(p.index) || p.index < 0 || p.index >= test.n) throw new Error(`Choose a digit from 0 to ${test.n - 1}.`);
    const image = new Float64Array(IMAGE_SIZE);
    for (let i = 0; i < IMAGE_SIZE; i++) image[i] = test.images[p.index * IMAGE_SIZE + i] / 255;
    const { sigma, v } = smallSvd(image, IMAGE_SIDE, IMAGE_SIDE);
    return { index: p.index, label: test.labels[p.index], image, sigma, v };
  },
};
