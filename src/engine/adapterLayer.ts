/**
 * A sequential bottleneck adapter (Houlsby et al. 2019), the kind of PEFT module
 * LoRA is compared with: inserted after a layer, it maps the layer's output h to
 *
 *   h + f(h·W_down + b_down)·W_up + b_up,   W_down: d×m,  W_up: m×d,  m ≪ d
 *
 * (down-project, nonlinearity f = ReLU here, up-project, residual). It adds
 * 2dm + m + d parameters and, unlike a merged LoRA update, extra operations that
 * run one after another at inference: it cannot be folded into W₀.
 * Stored input-major like the rest of the engine (x·W, no transposes).
 */
import { tf, type Tensor2D, type Variable } from './tf';
import { deriveSeed, mulberry32, uniformArray } from '../core/rng';
import type { BaseModel } from './mlp';
import { layerLoop, loraDense } from './lora';

export interface BottleneckConfig {
  /** Inserted after this layer's output (0-based); not after the last layer (the logits). */
  after: number;
  /** Bottleneck size m. */
  bottleneck: number;
  /**
   * 'identity' (default): W_up = 0, b = 0, so the adapter starts as the identity, as
   * Houlsby et al. initialise it (near-identity). 'random': W_up random too (for timing
   * and tests; the cost is the same).
   */
  init?: 'identity' | 'random';
}

export class BottleneckAdapter {
  readonly after: number;
  readonly dim: number;
  readonly bottleneck: number;
  readonly down: Variable<tf.Rank.R2>;
  readonly downBias: Variable<tf.Rank.R1>;
  readonly up: Variable<tf.Rank.R2>;
  readonly upBias: Variable<tf.Rank.R1>;

  private constructor(after: number, dim: number, bottleneck: number, down: Float32Array, up: Float32Array) {
    this.after = after;
    this.dim = dim;
    this.bottleneck = bottleneck;
    [this.down, this.downBias, this.up, this.upBias] = tf.tidy(() => [
      tf.variable(tf.tensor2d(down, [dim, bottleneck])),
      tf.variable(tf.zeros([bottleneck]) as tf.Tensor1D),
      tf.variable(tf.tensor2d(up, [bottleneck, dim])),
      tf.variable(tf.zeros([dim]) as tf.Tensor1D),
    ]);
  }

  /** An adapter for `base`, after layer cfg.after, seeded. */
  static init(base: Pick<BaseModel, 'sizes'>, cfg: BottleneckConfig, seed: number): BottleneckAdapter {
    const hidden = base.sizes.length - 2; // layers whose output is a hidden activation
    if (!Number.isInteger(cfg.after) || cfg.after < 0 || cfg.after >= hidden) {
      throw new Error(`An adapter goes after a hidden layer (1 to ${hidden}); got layer ${cfg.after + 1}.`);
    }
    const dim = base.sizes[cfg.after + 1];
    const m = cfg.bottleneck;
    if (!Number.isInteger(m) || m < 1 || m > dim) throw new Error(`The bottleneck must be a whole number from 1 to ${dim} (got ${m}).`);
    const rand = mulberry32(deriveSeed(seed, `adapter${cfg.after}`));
    const down = uniformArray(dim * m, 1 / Math.sqrt(dim), rand);
    const up = cfg.init === 'random' ? uniformArray(m * dim, 1 / Math.sqrt(m), rand) : new Float32Array(m * dim);
    return new BottleneckAdapter(cfg.after, dim, m, down, up);
  }

  get paramCount(): number {
    return 2 * this.dim * this.bottleneck + this.bottleneck + this.dim;
  }

  /** h + ReLU(h·W_down + b_down)·W_up + b_up. */
  apply(h: Tensor2D): Tensor2D {
    const z = tf.relu(tf.add(tf.matMul(h, this.down), this.downBias)) as Tensor2D;
    return tf.add(h, tf.add(tf.matMul(z, this.up), this.upBias)) as Tensor2D;
  }

  variables(): Variable[] {
    return [this.down, this.downBias, this.up, this.upBias];
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}

/** Logits of the frozen base with an optional bottleneck adapter after one hidden layer. Call inside tf.tidy. */
export function forwardWithBottleneck(base: BaseModel, x: Tensor2D, adapter: BottleneckAdapter | null): Tensor2D {
  return layerLoop(base.sizes.length - 1, x, (i, h, last) => {
    const { kernel, bias } = base.layerTensors(i);
    const out = loraDense(h, kernel, bias, null); // the same dense op the LoRA model uses
    if (last) return out;
    const a = tf.relu(out);
    return adapter && adapter.after === i ? adapter.apply(a) : a;
  });
}
