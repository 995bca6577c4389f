/**
 * What fine-tuning costs, by counting: trainable parameters, file sizes and
 * Adam's optimizer state, for full fine-tuning and for LoRA. DOM-free.
 *
 * Model sizes are cited constants (see `source`); everything else is arithmetic:
 * a LoRA module on a d×k matrix trains r(d + k) numbers, and LoRA on W_q, W_k,
 * W_v or W_o of a Transformer (each d_model×d_model) trains 2·d_model·r per
 * matrix per layer, the count in Hu et al. (2021), §5.1.
 */

export type AttentionMatrix = 'q' | 'k' | 'v' | 'o';
export const ATTENTION_MATRICES: readonly AttentionMatrix[] = ['q', 'k', 'v', 'o'];

export interface TransformerPreset {
  kind: 'transformer';
  id: string;
  name: string;
  /** All parameters of the model (a cited figure). */
  params: number;
  dModel: number;
  layers: number;
  /** Context length in tokens. */
  context: number;
  source: string;
}

export interface MlpPreset {
  kind: 'mlp';
  id: string;
  name: string;
  params: number;
  sizes: readonly number[];
  source: string;
}

export type ModelPreset = TransformerPreset | MlpPreset;

const MLP_SIZES = [784, 1000, 2000, 10] as const;
const mlpParams = (sizes: readonly number[]) => sizes.slice(1).reduce((s, d, i) => s + d * sizes[i] + d, 0);

export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    kind: 'mlp', id: 'mlp', name: 'This site’s MLP (784→1000→2000→10)', params: mlpParams(MLP_SIZES), sizes: MLP_SIZES,
    source: 'counted from its layer sizes: weights and biases',
  },
  {
    kind: 'transformer', id: 'gpt2-medium', name: 'GPT-2 medium', params: 354.92e6, dModel: 1024, layers: 24, context: 1024,
    source: 'd_model, layers and context: Radford et al. (2019); parameters: Hu et al. (2021), Table 3',
  },
  {
    kind: 'transformer', id: 'gpt2-large', name: 'GPT-2 large', params: 774.03e6, dModel: 1280, layers: 36, context: 1024,
    source: 'd_model, layers and context: Radford et al. (2019); parameters: Hu et al. (2021), Table 3',
  },
  {
    kind: 'transformer', id: 'llama-7b', name: 'LLaMA 7B', params: 6.7e9, dModel: 4096, layers: 32, context: 2048,
    source: 'Touvron et al. (2023), Table 2 (parameters rounded there to 0.1 B)',
  },
  {
    kind: 'transformer', id: 'llama-65b', name: 'LLaMA 65B', params: 65.2e9, dModel: 8192, layers: 80, context: 2048,
    source: 'Touvron et al. (2023), Table 2 (parameters rounded there to 0.1 B)',
  },
  {
    kind: 'transformer', id: 'gpt3', name: 'GPT-3 175B', params: 175_255.8e6, dModel: 12_288, layers: 96, context: 2048,
    source: 'd_model, layers and context: Brown et al. (2020), Table 2.1; parameters: Hu et al. (2021), Table 4',
  },
];

export const PRESET_IDS = MODEL_PRESETS.map((p) => p.id);

export function presetById(id: string): ModelPreset {
  const p = MODEL_PRESETS.find((m) => m.id === id);
  if (!p) throw new Error(`Unknown model “${id}”.`);
  return p;
}

/** Trainable parameters of LoRA at rank r on the chosen matrices (Transformer) or layers (MLP, 0-based). */
export function loraTrainable(preset: ModelPreset, rank: number, selection: readonly (AttentionMatrix | number)[]): number {
  if (!Number.isInteger(rank) || rank < 1) throw new Error(`The rank must be a positive whole number (got ${rank}).`);
  if (preset.kind === 'transformer') {
    const mats = ATTENTION_MATRICES.filter((m) => selection.includes(m));
    return preset.layers * mats.length * rank * (preset.dModel + preset.dModel);
  }
  let n = 0;
  for (let l = 0; l + 1 < preset.sizes.length; l++) {
    if (selection.includes(l)) n += rank * (preset.sizes[l] + preset.sizes[l + 1]);
  }
  return n;
}

export const BYTES = { fp16: 2, fp32: 4 } as const;
export type Precision = keyof typeof BYTES;

export interface CostSummary {
  params: number;
  trainable: number;
  /** trainable / params. */
  fraction: number;
  /** params / trainable (how many times fewer numbers are trained). */
  reduction: number;
  /** One full fine-tuned copy (every parameter) at the chosen precision. */
  fullCheckpointBytes: number;
  /** One LoRA adapter file (A and B only) at the chosen precision. */
  adapterBytes: number;
  /** Adam keeps two moment estimates per trained number, here in fp32. */
  adamFullBytes: number;
  adamLoraBytes: number;
  /** Storage for n tasks: n full copies, or one base plus n adapters. */
  tasks: number;
  fullTasksBytes: number;
  loraTasksBytes: number;
}

export const ADAM_MOMENTS = 2;
export const ADAM_BYTES_PER_VALUE = 4;

export function costSummary(
  preset: ModelPreset, rank: number, selection: readonly (AttentionMatrix | number)[],
  precision: Precision = 'fp16', tasks = 1,
): CostSummary {
  const trainable = loraTrainable(preset, rank, selection);
  const b = BYTES[precision];
  const adam = (n: number) => n * ADAM_MOMENTS * ADAM_BYTES_PER_VALUE;
  return {
    params: preset.params,
    trainable,
    fraction: trainable / preset.params,
    reduction: trainable > 0 ? preset.params / trainable : Infinity,
    fullCheckpointBytes: preset.params * b,
    adapterBytes: trainable * b,
    adamFullBytes: adam(preset.params),
    adamLoraBytes: adam(trainable),
    tasks,
    fullTasksBytes: tasks * preset.params * b,
    loraTasksBytes: preset.params * b + tasks * trainable * b,
  };
}

/** Bytes in mebibytes (2²⁰) and megabytes (10⁶). */
export const toMiB = (bytes: number) => bytes / 2 ** 20;
export const toMB = (bytes: number) => bytes / 1e6;

/**
 * Prefix-embedding tuning (Hu et al. 2021, §5.1): l_p prefix and l_i infix tokens with
 * trainable embeddings, |Θ| = d_model·(l_p + l_i). They occupy positions of the context.
 */
export function prefixBudget(context: number, dModel: number, prefix: number, infix = 0): {
  reserved: number; task: number; trainable: number; reservedFraction: number;
} {
  if (![context, dModel, prefix, infix].every((x) => Number.isInteger(x) && x >= 0)) throw new Error('Token counts must be whole numbers ≥ 0.');
  const reserved = Math.min(context, prefix + infix);
  return { reserved, task: context - reserved, trainable: dModel * (prefix + infix), reservedFraction: reserved / context };
}
