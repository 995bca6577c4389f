/**
 * The base network: a multilayer perceptron with ReLU between layers.
 *
 * Weight convention. The LoRA paper writes a layer as h = W₀x with
 * W₀ ∈ R^{d×k} (d outputs, k inputs). We process a batch of row vectors X
 * (n×k), so we store the transpose, `kernel = W₀ᵀ ∈ R^{k×d}`, and compute
 * H = X·kernel + b. On tfjs's WASM backend an untransposed matMul is about ten
 * times faster than one with a transpose flag, so the storage follows the
 * computation; everything the site displays uses the paper's shapes.
 */
import { tf, type Tensor1D, type Tensor2D, type Variable } from './tf';
import { deriveSeed, mulberry32, uniformArray } from '../core/rng';
import type { DenseWeights } from '../core/modelFile';

export type { DenseWeights } from '../core/modelFile';

export const DEFAULT_SIZES: readonly number[] = [784, 1000, 2000, 10];


/** What a forward pass needs from a frozen base: W₀ᵀ and b for each layer. */
export interface BaseModel {
  readonly sizes: readonly number[];
  /** A short identity used to check that an adapter file belongs to this base. */
  readonly fingerprint: string;
  /**
   * The layer's W₀ᵀ [k, d] and b [d]. A quantized base dequantizes here, so
   * call it inside tf.tidy.
   */
  layerTensors(layer: number): { kernel: Tensor2D; bias: Tensor1D };
  dispose(): void;
}

interface DenseVars {
  kernel: Variable<tf.Rank.R2>;
  bias: Variable<tf.Rank.R1>;
}

export class Mlp implements BaseModel {
  readonly sizes: readonly number[];
  readonly fingerprint: string;
  readonly layers: DenseVars[];

  private constructor(sizes: readonly number[], layers: DenseVars[], fingerprint: string) {
    this.sizes = [...sizes];
    this.layers = layers;
    this.fingerprint = fingerprint;
  }

  /** PyTorch nn.Linear's default init: weights and biases ~ U(−1/√k, 1/√k). */
  static random(sizes: readonly number[] = DEFAULT_SIZES, seed = 0): Mlp {
    validateSizes(sizes);
    const weights: DenseWeights[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [dIn, dOut] = [sizes[i], sizes[i + 1]];
      const rand = mulberry32(deriveSeed(seed, `dense${i}`));
      const bound = 1 / Math.sqrt(dIn);
      weights.push({ dIn, dOut, kernel: uniformArray(dIn * dOut, bound, rand), bias: uniformArray(dOut, bound, rand) });
    }
    return Mlp.fromWeights(weights, `random:${sizes.join('-')}:${seed}`);
  }

  static fromWeights(weights: DenseWeights[], fingerprint: string): Mlp {
    const sizes = [weights[0].dIn, ...weights.map((w) => w.dOut)];
    validateSizes(sizes);
    weights.forEach((w, i) => {
      if (w.dIn !== sizes[i] || w.kernel.length !== w.dIn * w.dOut || w.bias.length !== w.dOut) {
        throw new Error(`Layer ${i + 1}: weights do not match shape ${w.dOut}×${w.dIn}`);
      }
    });
    const layers = weights.map((w, i) =>
      tf.tidy(() => ({
        kernel: tf.variable(tf.tensor2d(w.kernel, [w.dIn, w.dOut])),
        bias: tf.variable(tf.tensor1d(w.bias)),
      })),
    );
    return new Mlp(sizes, layers, fingerprint);
  }

  layerTensors(layer: number): { kernel: Tensor2D; bias: Tensor1D } {
    return this.layers[layer];
  }

  /** All weights and biases, for full fine-tuning. */
  variables(): Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias]);
  }

  /**
   * An independent copy (e.g. to fine-tune fully while this one stays frozen). Reads the weights
   * asynchronously: jobs call it, and on a GPU backend a synchronous read stalls or fails (issue 15).
   */
  async clone(fingerprint = this.fingerprint): Promise<Mlp> {
    return Mlp.fromWeights(await this.weights(), fingerprint);
  }

  /** The weights as plain arrays, read asynchronously (what jobs use). */
  async weights(): Promise<DenseWeights[]> {
    const arrays = await Promise.all(this.layers.map((l) => Promise.all([l.kernel.data(), l.bias.data()])));
    return arrays.map(([kernel, bias], i) => this.denseWeights(i, kernel as Float32Array, bias as Float32Array));
  }

  /** The same, read synchronously: for Node scripts and tests. */
  readWeights(): DenseWeights[] {
    return this.layers.map((l, i) => this.denseWeights(i, l.kernel.dataSync() as Float32Array, l.bias.dataSync() as Float32Array));
  }

  private denseWeights(layer: number, kernel: Float32Array, bias: Float32Array): DenseWeights {
    return { dIn: this.sizes[layer], dOut: this.sizes[layer + 1], kernel, bias };
  }

  dispose(): void {
    for (const l of this.layers) {
      l.kernel.dispose();
      l.bias.dispose();
    }
  }
}

export function validateSizes(sizes: readonly number[]): void {
  if (sizes.length < 2) throw new Error('A network needs at least an input and an output size.');
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1) throw new Error(`Layer sizes must be positive integers (got ${s}).`);
  }
}
