/**
 * QA-LoRA (Xu et al. 2023) on our MLP: a group-wise INT4 base, an adapter that sees the input
 * pooled per quantization group, and the exact merge of that adapter into the zero points.
 *
 * Base: each row i of W₀ ∈ R^{d×k} (one output unit) is cut into L = k/g groups of g consecutive
 * inputs; each group keeps a scale α and an offset β (min–max), and every weight is an integer
 * code in [0, 15]: W̃[i, j] = α[i, l]·Ŵ[i, j] + β[i, l], l = ⌊j/g⌋ (quant/qalora.ts).
 *
 * Adapter: h = W̃x + b + s·B·A·pool(x), pool(x)_l = mean of x over group l (as the released code's
 * nn.AvgPool1d(group_size)); A ∈ R^{r×L}, B ∈ R^{d×r}. Its weight-space effect s·(BA)[i, l]/g is the
 * same for every input j of group l, so it adds to β[i, l] and leaves codes and scales untouched.
 *
 * Stored like the rest of the engine, input-major: `At` = Aᵀ (L×r), `Bt` = Bᵀ (r×d).
 */
import { tf, type Tensor1D, type Tensor2D, type Variable } from './tf';
import { deriveSeed, mulberry32, normalArray, uniformArray } from '../core/rng';
import { LowRankAdapter, layerLoop, type LoraAdapter, type LoraConfig, type LoraModel } from './lora';
import type { BaseModel, DenseWeights } from './mlp';
import { kernelToW0 } from './quantizedBase';
import { dense, matMul } from './fast/ops';
import {
  checkOnGrid, dequantizeGroupwise, matrix, mergeLoraAndRequantize, mergeQaLora, packNibbles, pooledAdapterWeight,
  quantizeGroupwise, unpackNibbles, type ErrorReport, type GridCheck, type GroupwiseQuantized, type Matrix,
} from '../core/quant/index';

export { groupSizesFor, largestDivisorAtMost } from '../core/quant/qalora';

/** One layer as stored: 4-bit codes two per byte, fp32 α and β per (row, group). */
interface StoredGroupwise {
  readonly q: Omit<GroupwiseQuantized, 'codes'>;
  readonly packed: Uint8Array;
}

function store(q: GroupwiseQuantized): StoredGroupwise {
  const { codes, ...rest } = q;
  return { q: rest, packed: q.bits === 4 ? packNibbles(codes) : codes };
}

export interface GroupwiseStorage {
  weightBytes: number;
  biasBytes: number;
  totalBytes: number;
  fp32Bytes: number;
  bitsPerWeight: number;
}

/** A frozen base with group-wise min–max INT4 weights (QA-LoRA's quantized model). */
export class GroupwiseQuantizedMlp implements BaseModel {
  readonly sizes: readonly number[];
  readonly fingerprint: string;
  private readonly stored: StoredGroupwise[];
  private readonly biases: Tensor1D[];
  private readonly biasValues: Float32Array[];

  private constructor(sizes: readonly number[], fingerprint: string, layers: GroupwiseQuantized[], biases: Float32Array[]) {
    this.sizes = [...sizes];
    this.fingerprint = fingerprint;
    this.stored = layers.map(store);
    this.biasValues = biases.map((b) => Float32Array.from(b));
    this.biases = this.biasValues.map((b) => tf.tensor1d(b));
  }

  /** Quantizes fp32 weights with the given group size per layer (each must divide that layer's input size). */
  static fromWeights(weights: DenseWeights[], baseFingerprint: string, groupSizes: readonly number[], bits = 4): GroupwiseQuantizedMlp {
    if (groupSizes.length !== weights.length) throw new Error(`Need one group size per layer (${weights.length}).`);
    const sizes = [weights[0].dIn, ...weights.map((w) => w.dOut)];
    const layers = weights.map((w, i) => quantizeGroupwise(matrix(w.dOut, w.dIn, kernelToW0(w.kernel, w.dIn, w.dOut)), groupSizes[i], bits));
    return new GroupwiseQuantizedMlp(sizes, `${baseFingerprint}:int${bits}-g${groupSizes.join('-')}`, layers, weights.map((w) => w.bias));
  }

  /** A new base from already quantized layers (e.g. after a merge); biases are copied. */
  withLayers(layers: GroupwiseQuantized[], fingerprint: string): GroupwiseQuantizedMlp {
    return new GroupwiseQuantizedMlp(this.sizes, fingerprint, layers, this.biasValues);
  }

  get groupSizes(): number[] {
    return this.stored.map((s) => s.q.groupSize);
  }

  /** Layer i in the quant engine's form (codes unpacked). */
  layerQuant(i: number): GroupwiseQuantized {
    const { q, packed } = this.stored[i];
    const n = q.rows * q.cols;
    return { ...q, codes: q.bits === 4 ? unpackNibbles(packed, n) : packed };
  }

  /** W̃ᵀ [k, d] decoded for one forward pass (α·code + β, fp32), and the fp32 bias. Call inside tf.tidy. */
  layerTensors(i: number): { kernel: Tensor2D; bias: Tensor1D } {
    const { q, packed } = this.stored[i];
    const { rows: d, cols: k, groupSize, scale, offset } = q;
    const groups = k / groupSize;
    const four = q.bits === 4;
    const out = new Float32Array(d * k);
    for (let r = 0, e = 0; r < d; r++) {
      for (let j = 0; j < k; j++, e++) {
        const code = four ? (e & 1 ? packed[e >> 1] & 0x0f : packed[e >> 1] >> 4) : packed[e];
        const g = r * groups + ((j / groupSize) | 0);
        out[j * d + r] = scale[g] * code + offset[g];
      }
    }
    return { kernel: tf.tensor2d(out, [k, d]), bias: this.biases[i] };
  }

  /** Codes at `bits` each plus fp32 α and β per group, and fp32 biases. */
  storage(): GroupwiseStorage {
    let weightBytes = 0;
    let weights = 0;
    for (const s of this.stored) {
      weightBytes += s.packed.byteLength + s.q.scale.byteLength + s.q.offset.byteLength;
      weights += s.q.rows * s.q.cols;
    }
    const biasBytes = this.biasValues.reduce((t, b) => t + b.byteLength, 0);
    return { weightBytes, biasBytes, totalBytes: weightBytes + biasBytes, fp32Bytes: 4 * weights + biasBytes, bitsPerWeight: (8 * weightBytes) / weights };
  }

  dispose(): void {
    this.biases.forEach((b) => b.dispose());
  }
}

export class QaLoraAdapter extends LowRankAdapter {
  readonly groupSize: number;
  readonly groups: number;

  constructor(layer: number, dIn: number, dOut: number, groupSize: number, cfg: LoraConfig, At: Float32Array, Bt: Float32Array) {
    if (!Number.isInteger(groupSize) || groupSize < 1 || dIn % groupSize !== 0) throw new Error(`The group size ${groupSize} must divide the layer's ${dIn} inputs.`);
    super('QA-LoRA', layer, dIn, dOut, dIn / groupSize, cfg, At, Bt);
    this.groupSize = groupSize;
    this.groups = dIn / groupSize;
  }

  /** B = 0; A drawn like LoRA's A but with fan-in L (the adapter's actual input size). */
  static init(layer: number, dIn: number, dOut: number, groupSize: number, cfg: LoraConfig, seed: number): QaLoraAdapter {
    const groups = dIn / groupSize;
    const rand = mulberry32(deriveSeed(seed, `qalora${layer}`));
    const n = groups * cfg.rank;
    const a = cfg.init === 'gaussian' ? normalArray(n, 1 / Math.sqrt(groups), rand) : uniformArray(n, 1 / Math.sqrt(groups), rand);
    return new QaLoraAdapter(layer, dIn, dOut, groupSize, cfg, a, new Float32Array(cfg.rank * dOut));
  }

  // paramCount is r·(L + d): far fewer than LoRA's r·(k + d) on the same layer.
}

/** Average of each group of g consecutive inputs: x [n, k] → [n, k/g] (reshape + mean). */
export function poolGroupsTensor(x: Tensor2D, groupSize: number): Tensor2D {
  const [n, k] = x.shape;
  return tf.mean(tf.reshape(x, [n, k / groupSize, groupSize]), 2) as Tensor2D;
}

/** One QA-LoRA layer: x·W̃ᵀ + b + s·(pool(x)·Aᵀ)·Bᵀ. */
export function qaLoraDense(x: Tensor2D, kernel: Tensor2D, bias: Tensor1D, adapter?: QaLoraAdapter | null): Tensor2D {
  const base = dense(x, kernel, bias); // the engine's fast dense op, as loraDense uses
  if (!adapter || !adapter.enabled) return base;
  const up = matMul(matMul(poolGroupsTensor(x, adapter.groupSize), adapter.At), adapter.Bt);
  return tf.add(base, tf.mul(up, adapter.scale));
}

export class QaLoraModel {
  readonly base: BaseModel;
  adapters: (QaLoraAdapter | null)[];

  constructor(base: BaseModel, adapters: (QaLoraAdapter | null)[] = []) {
    this.base = base;
    this.adapters = base.sizes.slice(1).map((_, i) => adapters[i] ?? null);
  }

  /** Fresh adapters (B = 0) on the given layers (0-based), group size per layer as in the base. */
  static withAdapters(base: BaseModel, layers: number[], groupSizes: readonly number[], cfg: LoraConfig, seed: number): QaLoraModel {
    const model = new QaLoraModel(base);
    for (const l of layers) {
      if (!Number.isInteger(l) || l < 0 || l >= base.sizes.length - 1) throw new Error(`There is no layer ${l + 1}.`);
      model.adapters[l] = QaLoraAdapter.init(l, base.sizes[l], base.sizes[l + 1], groupSizes[l], cfg, seed);
    }
    return model;
  }

  forward(x: Tensor2D): Tensor2D {
    return layerLoop(this.base.sizes.length - 1, x, (i, h, last) => {
      const { kernel, bias } = this.base.layerTensors(i);
      const out = qaLoraDense(h, kernel, bias, this.adapters[i]);
      return last ? out : tf.relu(out);
    });
  }

  variables(): Variable[] {
    return this.adapters.flatMap((a) => (a ? a.variables() : []));
  }

  paramCount(): number {
    return this.adapters.reduce((s, a) => s + (a?.paramCount ?? 0), 0);
  }

  disposeAdapters(): void {
    for (const a of this.adapters) a?.dispose();
    this.adapters = this.adapters.map(() => null);
  }
}

/** A [rows, cols] matrix from a tfjs tensor holding its transpose [cols, rows], read asynchronously (as on a GPU). */
async function fromTransposed(t: Tensor2D): Promise<Matrix> {
  const [cols, rows] = t.shape;
  const src = await t.data();
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = src[j * rows + i];
  return matrix(rows, cols, out);
}

/** The paper-oriented factors of an adapter: A (r×L or r×k) and B (d×r). */
export async function adapterFactors(a: { At: Tensor2D; Bt: Tensor2D }): Promise<{ A: Matrix; B: Matrix }> {
  const [A, B] = await Promise.all([fromTransposed(a.At), fromTransposed(a.Bt)]);
  return { A, B };
}

/**
 * Both merges below: each layer with an enabled adapter is replaced by `merge` of its INT4 weights and
 * the adapter's factors; the others stay as they are. Returns the new base and one report per merged layer.
 */
async function mergeEachLayer<R>(
  model: { base: BaseModel; adapters: ({ At: Tensor2D; Bt: Tensor2D; enabled: boolean; scale: number } | null)[] },
  needs: string,
  suffix: string,
  merge: (q: GroupwiseQuantized, factors: { A: Matrix; B: Matrix }, scale: number, layer: number) => { merged: GroupwiseQuantized; report: R },
): Promise<{ merged: GroupwiseQuantizedMlp; reports: R[] }> {
  const base = model.base;
  if (!(base instanceof GroupwiseQuantizedMlp)) throw new Error(needs);
  const reports: R[] = [];
  const layers: GroupwiseQuantized[] = [];
  for (let i = 0; i + 1 < base.sizes.length; i++) {
    const q = base.layerQuant(i);
    const a = model.adapters[i];
    if (!a || !a.enabled) {
      layers.push(q);
      continue;
    }
    const { merged, report } = merge(q, await adapterFactors(a), a.scale, i);
    reports.push(report);
    layers.push(merged);
  }
  return { merged: base.withLayers(layers, `${base.fingerprint}+${suffix}`), reports };
}

export interface QaMergeLayerReport {
  layer: number;
  /** Every merged weight on its group's INT4 grid (α·integer + β'), checked on the dense unmerged weights. */
  grid: GridCheck;
  /** Codes and scales unchanged by the merge. */
  codesUnchanged: boolean;
}

/** QA-LoRA's merge: β' = β + s·(BA)/g per group; returns the merged INT4 base and a per-layer check. */
export function mergeQaLoraModel(model: QaLoraModel): Promise<{ merged: GroupwiseQuantizedMlp; reports: QaMergeLayerReport[] }> {
  return mergeEachLayer<QaMergeLayerReport>(model, 'QA-LoRA merges into a group-wise quantized base.', 'qalora', (q, { A, B }, scale, layer) => {
    const merged = mergeQaLora(q, A, B, scale);
    // The function the unmerged model computes, as one dense matrix: W̃ + s·B·A expanded over each group / g.
    const dense = dequantizeGroupwise(q).data;
    const delta = pooledAdapterWeight(A, B, scale, q.groupSize).data;
    for (let e = 0; e < dense.length; e++) dense[e] += delta[e];
    const grid = checkOnGrid(matrix(q.rows, q.cols, dense), merged);
    return { merged, report: { layer, grid, codesUnchanged: merged.codes === q.codes && merged.scale === q.scale } };
  });
}

export interface RequantizeLayerReport {
  layer: number;
  /** The exact merged weights W̃ + s·BA checked against the base's INT4 grid. */
  gridBefore: GridCheck;
  /** Error of re-quantizing the exact merged weights to INT4 again. */
  requantError: ErrorReport;
}

/** The QLoRA-style path: merge a full LoRA into the dequantized base, then quantize group-wise to INT4 again. */
export function mergeLoraAndRequantizeModel(model: LoraModel): Promise<{ merged: GroupwiseQuantizedMlp; reports: RequantizeLayerReport[] }> {
  return mergeEachLayer<RequantizeLayerReport>(model, 'This merge needs a group-wise quantized base.', 'lora-requantized', (q, { A, B }, scale, layer) => {
    const r = mergeLoraAndRequantize(q, A, B, scale);
    return { merged: r.requantized, report: { layer, gridBefore: checkOnGrid(r.exact, q), requantError: r.error } };
  });
}
