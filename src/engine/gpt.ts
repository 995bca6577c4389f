/**
 * A tiny character-level GPT for the /attention/ chapter: token and learned
 * position embeddings, pre-LayerNorm blocks of multi-head causal
 * self-attention with separate W_q, W_k, W_v, W_o (no biases on these four,
 * so each is exactly the d×d matrix the LoRA paper adapts), a two-layer ReLU
 * MLP, a final LayerNorm and an untied output head.
 *
 * LoRA attaches to any of q, k, v, o, fc1, fc2 in any block:
 *   y = x·W₀ + s·(x·Aᵀ)·Bᵀ,  B = 0 at the start, A random, s = α/r,
 * with the same LoraAdapter as the MLP (lora.ts), so W₀ stays frozen and shared.
 */
import { tf, readAsync, type Tensor, type Tensor1D, type Tensor2D, type Variable } from './tf';
import { deriveSeed, mulberry32, normalArray, uniformArray } from '../core/rng';
import { LoraAdapter, type LoraConfig } from './lora';
import { dense } from './fast/ops';
import { BOUNDARY, GPT_CONFIG, encodeWords, gptShapes, targetShape, type GptConfig, type LoraTarget } from '../core/gpt';

export type GptWeights = Record<string, Float32Array>;

export class Gpt {
  readonly config: GptConfig;
  readonly fingerprint: string;
  readonly weights: Record<string, Variable>;
  /** Additive causal mask [T, T]: 0 on and below the diagonal, −1e9 above. */
  readonly mask: Tensor2D;

  private constructor(config: GptConfig, weights: Record<string, Variable>, fingerprint: string) {
    this.config = { ...config };
    this.weights = weights;
    this.fingerprint = fingerprint;
    const T = config.context;
    const m = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
    this.mask = tf.tensor2d(m, [T, T]);
  }

  /**
   * Embeddings N(0, 0.02²) as in GPT-2; matrices U(−1/√k, 1/√k) as PyTorch's
   * nn.Linear; biases 0; LayerNorm gain 1, shift 0.
   */
  static random(config: GptConfig = GPT_CONFIG, seed = 0): Gpt {
    const arrays: GptWeights = {};
    for (const w of gptShapes(config)) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const rand = mulberry32(deriveSeed(seed, w.name));
      if (w.kind === 'embedding') arrays[w.name] = normalArray(n, 0.02, rand);
      else if (w.name.endsWith('.g')) arrays[w.name] = new Float32Array(n).fill(1);
      else if (w.shape.length === 1) arrays[w.name] = new Float32Array(n);
      else arrays[w.name] = uniformArray(n, 1 / Math.sqrt(w.shape[0]), rand);
    }
    return Gpt.fromWeights(config, arrays, `random-gpt:${seed}`);
  }

  static fromWeights(config: GptConfig, arrays: GptWeights, fingerprint: string): Gpt {
    const vars: Record<string, Variable> = {};
    for (const w of gptShapes(config)) {
      const a = arrays[w.name];
      const n = w.shape.reduce((x, y) => x * y, 1);
      if (!a || a.length !== n) throw new Error(`The model's weight "${w.name}" is missing or has the wrong size.`);
      vars[w.name] = tf.tidy(() => tf.variable(tf.tensor(a, w.shape)));
    }
    return new Gpt(config, vars, fingerprint);
  }

  readWeights(): GptWeights {
    return Object.fromEntries(Object.entries(this.weights).map(([k, v]) => [k, v.dataSync() as Float32Array]));
  }

  /** All weights, for pretraining. */
  variables(): Variable[] {
    return Object.values(this.weights);
  }

  dispose(): void {
    for (const v of Object.values(this.weights)) v.dispose();
    this.mask.dispose();
  }
}

const adapterKey = (layer: number, target: LoraTarget) => `${layer}.${target}`;

/**
 * Batched a·b [..., n, k]·[..., k, m] whose gradient uses explicit transposes:
 * tfjs's own matMul gradient sets the transpose flags, which WASM runs about
 * ten times slower (KNOWN-TRAPS.md).
 */
const swapLast = (t: Tensor) => { const p = t.shape.map((_, i) => i); p.push(p.splice(-2, 1)[0]); return tf.transpose(t, p); };
const bmm = tf.customGrad(((a: Tensor, b: Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as Tensor2D, b as Tensor2D),
    gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.matMul(dy as Tensor2D, swapLast(saved[1]) as Tensor2D), tf.matMul(swapLast(saved[0]) as Tensor2D, dy as Tensor2D)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: Tensor, b: Tensor) => Tensor;

function layerNorm(x: Tensor2D, g: Tensor, b: Tensor): Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b) as Tensor2D;
}

/** A frozen Gpt plus LoRA adapters on some of its projections. */
export class GptLora {
  readonly base: Gpt;
  readonly adapters = new Map<string, LoraAdapter>();
  /** Off: every adapter is skipped and the model is the base. */
  enabled = true;

  constructor(base: Gpt) {
    this.base = base;
  }

  /** Fresh adapters (B = 0) on the given targets of every block (or of `layers` only). */
  static withAdapters(base: Gpt, targets: readonly LoraTarget[], cfg: LoraConfig, seed: number, layers?: readonly number[]): GptLora {
    const m = new GptLora(base);
    const blocks = layers ?? Array.from({ length: base.config.layers }, (_, i) => i);
    for (const l of blocks) {
      if (!Number.isInteger(l) || l < 0 || l >= base.config.layers) throw new Error(`There is no block ${l + 1}.`);
      for (const t of new Set(targets)) {
        const [k, d] = targetShape(t, base.config);
        m.adapters.set(adapterKey(l, t), LoraAdapter.init(l, k, d, cfg, deriveSeed(seed, adapterKey(l, t))));
      }
    }
    return m;
  }

  adapter(layer: number, target: LoraTarget): LoraAdapter | undefined {
    return this.adapters.get(adapterKey(layer, target));
  }

  variables(): Variable[] {
    return [...this.adapters.values()].flatMap((a) => a.variables());
  }

  /** x·W₀ (+ b) + s·(x·Aᵀ)·Bᵀ: ΔW is never formed. */
  private project(x: Tensor2D, layer: number, target: LoraTarget, bias?: Tensor1D): Tensor2D {
    const w = this.base.weights[`l${layer}.${target}`] as Tensor2D;
    const a = this.enabled ? this.adapter(layer, target) : undefined;
    // dense (fast/ops.ts) is the MLP's LoRA layer: gradients without transposed-operand matMuls.
    if (!a || !a.enabled || a.merged) return dense(x, w, bias ?? null);
    return dense(x, w, bias ?? null, 'linear', { u: dense(x, a.At, null), v: a.Bt, scale: a.scale });
  }

  /**
   * Logits [B·T, vocab] for token ids [B, T] (row b·T + t predicts the
   * character after position t). Optionally returns each block's attention
   * probabilities [B, heads, T, T].
   */
  forward(tokens: Tensor2D, attention?: Tensor[]): Tensor2D {
    const { context: T, dModel: d, heads: H, layers } = this.base.config;
    const [B, len] = tokens.shape;
    if (len !== T) throw new Error(`Expected rows of ${T} tokens, got ${len}.`);
    const W = this.base.weights;
    const dh = d / H;
    const ids = tf.reshape(tokens, [B * T]);
    const pos = tf.tile(W.pos, [B, 1]) as Tensor2D;
    // One-hot times the table rather than tf.gather: gather's gradient (UnsortedSegmentSum)
    // has no WASM kernel, and with 27 characters the product is cheap.
    let x = tf.add(dense(tf.cast(tf.oneHot(ids, this.base.config.vocab), 'float32') as Tensor2D, W.tok as Tensor2D, null), pos) as Tensor2D; // [B·T, d]
    const split = (t: Tensor2D, perm: number[]) => tf.transpose(tf.reshape(t, [B, T, H, dh]), perm);
    for (let l = 0; l < layers; l++) {
      const h = layerNorm(x, W[`l${l}.ln1.g`], W[`l${l}.ln1.b`]);
      const q = split(this.project(h, l, 'q'), [0, 2, 1, 3]); // [B, H, T, dh]
      const kT = split(this.project(h, l, 'k'), [0, 2, 3, 1]); // [B, H, dh, T]
      const v = split(this.project(h, l, 'v'), [0, 2, 1, 3]);
      const scores = tf.add(tf.mul(bmm(q, kT), 1 / Math.sqrt(dh)), this.base.mask); // [B, H, T, T]
      const p = tf.softmax(scores);
      if (attention) attention.push(tf.keep(p));
      const mixed = tf.reshape(tf.transpose(bmm(p, v), [0, 2, 1, 3]), [B * T, d]) as Tensor2D;
      x = tf.add(x, this.project(mixed, l, 'o'));
      const h2 = layerNorm(x, W[`l${l}.ln2.g`], W[`l${l}.ln2.b`]);
      const up = tf.relu(this.project(h2, l, 'fc1', W[`l${l}.fc1.b`] as Tensor1D));
      x = tf.add(x, this.project(up, l, 'fc2', W[`l${l}.fc2.b`] as Tensor1D));
    }
    const hf = layerNorm(x, W['lnf.g'], W['lnf.b']);
    return dense(hf, W.head as Tensor2D, W['head.b'] as Tensor1D);
  }

  /** Mean cross-entropy (nats per character) over the masked positions. */
  loss(tokens: Tensor2D, targets: Tensor1D, mask: Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const logp = tf.logSoftmax(this.forward(tokens));
      const picked = tf.sum(tf.mul(logp, tf.oneHot(targets, this.base.config.vocab)), -1);
      return tf.div(tf.neg(tf.sum(tf.mul(picked, mask))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
    });
  }

  /** A new base with every enabled adapter folded in: W = W₀ + s·AᵀBᵀ. */
  merged(fingerprint = `${this.base.fingerprint}+lora`): Gpt {
    const arrays = this.base.readWeights();
    if (this.enabled) {
      for (const [key, a] of this.adapters) {
        if (!a.enabled) continue;
        const [layer, target] = key.split('.');
        const delta = tf.tidy(() => a.deltaKernel().dataSync() as Float32Array);
        const w = new Float32Array(arrays[`l${layer}.${target}`]);
        for (let i = 0; i < w.length; i++) w[i] += delta[i];
        arrays[`l${layer}.${target}`] = w;
      }
    }
    return Gpt.fromWeights(this.base.config, arrays, fingerprint);
  }

  /** Trainable parameters the adapters actually hold. */
  adapterParams(): number {
    return this.variables().reduce((s, v) => s + v.size, 0);
  }

  disposeAdapters(): void {
    for (const a of this.adapters.values()) a.dispose();
    this.adapters.clear();
  }
}

/** Word rows on the current backend. */
export function wordTensors(words: readonly string[], config: GptConfig = GPT_CONFIG) {
  const e = encodeWords(words, config);
  return {
    tokens: tf.tensor2d(e.inputs, [words.length, config.context], 'int32'),
    targets: tf.tensor1d(e.targets, 'int32'),
    mask: tf.tensor1d(e.mask),
    chars: e.chars,
  };
}

/**
 * Held-out loss in nats per character (the end marker counts as a character), in chunks. The chunks'
 * losses stay on the backend and are read once, asynchronously (no synchronous read-back: issue 15).
 */
export async function heldOutLoss(model: GptLora, words: readonly string[], chunk = 256): Promise<number> {
  const losses: tf.Scalar[] = [];
  const chars: number[] = [];
  try {
    for (let i = 0; i < words.length; i += chunk) {
      const t = wordTensors(words.slice(i, i + chunk), model.base.config);
      losses.push(model.loss(t.tokens, t.targets, t.mask));
      chars.push(t.chars);
      t.tokens.dispose();
      t.targets.dispose();
      t.mask.dispose();
    }
    if (!losses.length) return NaN;
    const values = await readAsync(() => tf.stack(losses));
    let total = 0;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      total += values[i] * chars[i];
      n += chars[i];
    }
    return n ? total / n : NaN;
  } finally {
    tf.dispose(losses);
  }
}

/**
 * Seeded samples: each word starts from the boundary marker and draws one
 * letter at a time from softmax(logits / temperature) until the marker comes
 * again or the context is full. Same seed, same model, same backend: same words.
 */
export async function sampleWords(model: GptLora, n: number, seed: number, temperature = 1): Promise<string[]> {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`Temperature must be a positive number (got ${temperature}).`);
  const { context: T, vocab: V } = model.base.config;
  const rand = mulberry32(deriveSeed(seed, 'sample'));
  const rows = new Int32Array(n * T);
  const done = new Array<boolean>(n).fill(false);
  const words = new Array<string>(n).fill('');
  for (let t = 0; t < T && done.some((x) => !x); t++) {
    // Read asynchronously (issue 15): the same float32 probabilities, so the same seeded words.
    const probs = await readAsync(() => {
      const logits = model.forward(tf.tensor2d(rows, [n, T], 'int32'));
      // Chained ops (t.reshape) are not registered in the site's tfjs-core build: functions only.
      const at = tf.reshape(tf.gather(tf.reshape(logits, [n, T, V]), [t], 1), [n, V]);
      return tf.softmax(tf.div(at, temperature));
    });
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      let u = rand();
      let c = V - 1;
      for (let j = 0; j < V; j++) {
        u -= probs[i * V + j];
        if (u < 0) { c = j; break; }
      }
      if (c === BOUNDARY || t === T - 1) {
        done[i] = true;
        if (c !== BOUNDARY) words[i] += '…'; // cut off by the context length
        continue;
      }
      words[i] += '.abcdefghijklmnopqrstuvwxyz'[c];
      if (t + 1 < T) rows[i * T + t + 1] = c;
    }
  }
  return words;
}
