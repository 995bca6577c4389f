/**
 * LoRA: a frozen layer W₀ plus a trainable low-rank update ΔW = B·A.
 *
 *   h = W₀x + b + s·B(Ax),   B ∈ R^{d×r} (starts at 0),  A ∈ R^{r×k} (random)
 *
 * so ΔW = 0 when training starts and the network is exactly the base. Stored
 * input-major like the base (see mlp.ts): `At` = Aᵀ (k×r), `Bt` = Bᵀ (r×d).
 */
import { tf, type Tensor1D, type Tensor2D, type Variable } from './tf';
import { deriveSeed, mulberry32, normalArray, uniformArray } from '../core/rng';
import type { BaseModel } from './mlp';
import { loraScale, type LoraConfig, type LoraScaling } from '../core/lora';

export { loraScale, type LoraConfig, type LoraInit, type LoraScaling } from '../core/lora';
import { dense, matMul, type DenseActivation } from './fast/ops';
import { denseWebgpuApplies, loraDenseWebgpu } from './gpu/denseWebgpu';

/**
 * What LoRA and QA-LoRA adapters share: a layer's trainable factors Aᵀ (aRows×r) and Bᵀ (r×d), scaled by
 * s = α/r or α/√r. They differ in what A sees: LoRA's A the layer's k inputs, QA-LoRA's the k/g group
 * averages (qalora.ts).
 */
export abstract class LowRankAdapter {
  /** Which layer of the base (0-based). */
  readonly layer: number;
  readonly dIn: number;
  readonly dOut: number;
  readonly rank: number;
  readonly alpha: number;
  readonly scaling: LoraScaling;
  readonly At: Variable<tf.Rank.R2>;
  readonly Bt: Variable<tf.Rank.R2>;
  /** A disabled adapter is skipped: the layer computes W₀x + b alone. */
  enabled = true;

  /** `aRows`: how many numbers A reads (k for LoRA, k/g for QA-LoRA); `name` for messages. */
  protected constructor(name: string, layer: number, dIn: number, dOut: number, aRows: number, cfg: LoraConfig, At: Float32Array, Bt: Float32Array) {
    if (!Number.isInteger(cfg.rank) || cfg.rank < 1) throw new Error(`${name} rank must be a positive integer (got ${cfg.rank}).`);
    if (!Number.isFinite(cfg.alpha) || cfg.alpha <= 0) throw new Error(`${name} α must be a positive number (got ${cfg.alpha}).`);
    if (At.length !== aRows * cfg.rank || Bt.length !== cfg.rank * dOut) throw new Error(`${name} factors do not match the layer shape.`);
    this.layer = layer;
    this.dIn = dIn;
    this.dOut = dOut;
    this.rank = cfg.rank;
    this.alpha = cfg.alpha;
    this.scaling = cfg.scaling ?? 'alpha/r';
    [this.At, this.Bt] = tf.tidy(() => [
      tf.variable(tf.tensor2d(At, [aRows, cfg.rank])),
      tf.variable(tf.tensor2d(Bt, [cfg.rank, dOut])),
    ]);
  }

  get scale(): number {
    return loraScale(this.rank, this.alpha, this.scaling);
  }

  /** Trainable parameters: r·(aRows + d). */
  get paramCount(): number {
    return this.rank * (this.At.shape[0] + this.dOut);
  }

  variables(): Variable[] {
    return [this.At, this.Bt];
  }

  dispose(): void {
    this.At.dispose();
    this.Bt.dispose();
  }
}

export class LoraAdapter extends LowRankAdapter {
  /** Set while s·BA is folded into the base weights (merge.ts); the forward pass then skips it. */
  merged = false;

  constructor(layer: number, dIn: number, dOut: number, cfg: LoraConfig, At: Float32Array, Bt: Float32Array) {
    super('LoRA', layer, dIn, dOut, dIn, cfg, At, Bt);
  }

  /** B = 0, A random (seeded): ΔW = BA = 0 at the start, and A still gets a gradient. */
  static init(layer: number, dIn: number, dOut: number, cfg: LoraConfig, seed: number): LoraAdapter {
    const rand = mulberry32(deriveSeed(seed, `lora${layer}`));
    const n = dIn * cfg.rank;
    const a = cfg.init === 'gaussian' ? normalArray(n, 1 / Math.sqrt(dIn), rand) : uniformArray(n, 1 / Math.sqrt(dIn), rand);
    return new LoraAdapter(layer, dIn, dOut, cfg, a, new Float32Array(cfg.rank * dOut));
  }

  /** s·ΔWᵀ = s·AᵀBᵀ as a k×d tensor, in the kernel's orientation. Only for merging and analysis. */
  deltaKernel(): Tensor2D {
    return tf.tidy(() => tf.mul(tf.matMul(this.At, this.Bt), this.scale));
  }
}

/**
 * The LoRA forward pass of one dense layer, the code the /mlp/ chapter shows.
 * ΔW is never formed: x goes down to r numbers (x·Aᵀ), then up to d (·Bᵀ),
 * costing r(k+d) multiply-adds per example instead of k·d.
 * `matMul` is tf.matMul, and `dense(x, W, b, activation, {u, v, scale})` is
 * activation(x·W + b + scale·u·v), with gradients that are fast without a GPU
 * (fast/ops.ts): on WASM the way back up is added in the same pass as x·W₀ᵀ.
 */
export function loraDense(x: Tensor2D, kernel: Tensor2D, bias: Tensor1D, adapter?: LoraAdapter | null, activation: DenseActivation = 'linear'): Tensor2D {
  if (!adapter || !adapter.enabled || adapter.merged) return dense(x, kernel, bias, activation); // x·W₀ᵀ + b
  // On WebGPU the whole layer is one kernel of the engine's own (gpu/denseWebgpu.ts): the same sum.
  if (denseWebgpuApplies(x, kernel, adapter.At, adapter.Bt)) return loraDenseWebgpu(x, kernel, bias, adapter.At, adapter.Bt, adapter.scale, activation);
  const down = matMul(x, adapter.At); // n×r: x projected onto A's r directions
  // h = x·W₀ᵀ + b + s·down·Bᵀ: back up through B, r more terms in each of the d sums
  return dense(x, kernel, bias, activation, { u: down, v: adapter.Bt, scale: adapter.scale });
}

/**
 * The engine's one layer loop: h ← step(i, h) for each of `layers` layers. The models differ only in
 * what one layer does (LoRA, QA-LoRA, a bottleneck adapter after it, the frozen base alone); `last` says
 * whether it is the output layer (no ReLU there).
 */
export function layerLoop(layers: number, x: Tensor2D, step: (i: number, h: Tensor2D, last: boolean) => Tensor2D): Tensor2D {
  let h = x;
  for (let i = 0; i < layers; i++) h = step(i, h, i === layers - 1);
  return h;
}

/** The frozen base on its own: logits for a batch x, ReLU after every layer but the last (call inside tf.tidy). */
export function baseForward(base: BaseModel, x: Tensor2D): Tensor2D {
  return layerLoop(base.sizes.length - 1, x, (i, h, last) => {
    const { kernel, bias } = base.layerTensors(i);
    return dense(h, kernel, bias, last ? 'linear' : 'relu');
  });
}

/** A frozen base with at most one adapter per layer. */
export class LoraModel {
  readonly base: BaseModel;
  /** adapters[i] adapts layer i; null where the layer is left alone. */
  adapters: (LoraAdapter | null)[];

  constructor(base: BaseModel, adapters: (LoraAdapter | null)[] = []) {
    this.base = base;
    this.adapters = base.sizes.slice(1).map((_, i) => adapters[i] ?? null);
  }

  /** Adds fresh adapters (B = 0) on the given layers (0-based), replacing any there. */
  static withAdapters(base: BaseModel, layers: number[], cfg: LoraConfig, seed: number): LoraModel {
    const model = new LoraModel(base);
    for (const l of layers) {
      if (!Number.isInteger(l) || l < 0 || l >= base.sizes.length - 1) throw new Error(`There is no layer ${l + 1}.`);
      model.adapters[l] = LoraAdapter.init(l, base.sizes[l], base.sizes[l + 1], cfg, seed);
    }
    return model;
  }

  /** Logits for a batch x (n×k₁). ReLU after every layer but the last. */
  forward(x: Tensor2D): Tensor2D {
    return layerLoop(this.base.sizes.length - 1, x, (i, h, last) => {
      const { kernel, bias } = this.base.layerTensors(i);
      return loraDense(h, kernel, bias, this.adapters[i], last ? 'linear' : 'relu');
    });
  }

  /** The trainable variables: A and B of every adapter (enabled or not). */
  variables(): Variable[] {
    return this.adapters.flatMap((a) => (a ? a.variables() : []));
  }

  /** Parameters tfjs actually holds in adapter variables (should equal the accounting). */
  allocatedAdapterParams(): number {
    return this.variables().reduce((s, v) => s + v.size, 0);
  }

  setEnabled(on: boolean): void {
    for (const a of this.adapters) {
      if (a?.merged) throw new Error('Unmerge the adapter before switching it off.');
      if (a) a.enabled = on;
    }
  }

  /** Swaps in another set of adapters (task switching); returns the previous set. */
  swap(adapters: (LoraAdapter | null)[]): (LoraAdapter | null)[] {
    if (this.adapters.some((a) => a?.merged)) throw new Error('Unmerge the current adapters before swapping.');
    const previous = this.adapters;
    this.adapters = this.base.sizes.slice(1).map((_, i) => adapters[i] ?? null);
    return previous;
  }

  disposeAdapters(): void {
    for (const a of this.adapters) a?.dispose();
    this.adapters = this.adapters.map(() => null);
  }
}
