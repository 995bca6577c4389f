/**
 * The contract of the `qlora.*` jobs (/qlora/, /qa-lora/): a layer quantized, the quantized base's
 * accuracy, LoRA on a frozen NF4 base, and the QLoRA-style vs QA-LoRA merge; and the settings the
 * cells and the jobs share.
 */
import type { ErrorReport, QuantFormat, StorageBreakdown, TaskId } from '../core/index';

/** QLoRA's base: NF4, blocks of 64, double quantization (Dettmers et al. 2023). */
export const QLORA_BASE = { format: 'NF4', blockSize: 64, doubleQuant: true } as const;

export interface Score {
  /** The task's own measure (accuracy on 4s for "fours"). */
  score: number;
  /** Accuracy on all of the task's test digits. */
  accuracy: number;
}

export interface LayerParams {
  layer: number;
  format: QuantFormat;
  blockSize: number | 'tensor';
  bins?: number;
}

export interface HistogramBin { x0: number; x1: number; count: number }

export interface LayerResult {
  layer: number;
  d: number;
  k: number;
  n: number;
  format: QuantFormat;
  blockSize: number;
  blocks: number;
  /** The data type's levels in [−1, 1]. */
  levels: number[];
  /** Histogram of w / (its block's absmax), the values the levels must cover. */
  histogram: HistogramBin[];
  /** How many weights were rounded to each level. */
  codeCounts: number[];
  error: ErrorReport;
  absmax: { min: number; median: number; max: number };
  /** This tensor's storage without and with double quantization. */
  storage: { plain: StorageBreakdown; dq: StorageBreakdown };
  /** The paper's per-parameter cost of the constants at this block size (no DQ / DQ). */
  constantBits: { plain: number; dq: number };
  /** The whole MLP: every weight matrix in this format and block size, biases fp32. */
  model: { fp32Bytes: number; plainBytes: number; dqBytes: number; weights: number; biases: number };
}

export interface SweepParams {
  session?: string;
  formats: QuantFormat[];
  blocks: (number | 'tensor')[];
  doubleQuant: boolean;
}

export interface SweepCell {
  format: QuantFormat;
  block: number | 'tensor';
  accuracy: number;
  /** Test digits whose predicted class differs from the fp32 base's. */
  flipped: number;
  /** ‖W − Ŵ‖_F / ‖W‖_F over all three weight matrices together. */
  relativeError: number;
  bitsPerWeight: number;
  storedBytes: number;
}

export type SweepEvent =
  | { kind: 'fp32'; accuracy: number; n: number }
  | { kind: 'cell'; index: number; total: number; cell: SweepCell };

export interface SweepResult { fp32: number; n: number; cells: SweepCell[] }

export interface QloraTrainParams {
  session: string;
  task: TaskId;
  rank: number;
  /** Train until this many steps in total. */
  steps: number;
  seed: number;
  /** Measure the task every this many steps (0: only at the end). */
  evalEvery?: number;
}

export type QloraEvent =
  | { kind: 'step'; step: number; steps: number; loss: number; msPerStep: number }
  | { kind: 'eval'; step: number; score: number; accuracy: number };

export interface QloraMemory {
  /** Bytes the quantized weight matrices occupy as stored (codes + constants + DQ). */
  baseWeights: number;
  baseBiases: number;
  adapterParams: number;
  /** tf.memory() growth for this run's own tensors (adapters + Adam's moments). */
  tfjsRunBytes: number;
  /** The dequantized fp32 weight matrices, which tfjs's autodiff keeps from the forward pass until the backward pass has used them, then frees. */
  transientBytes: number;
}

export interface QloraResult extends Score {
  step: number;
  msPerStep: number;
  memory: QloraMemory;
}

export interface CompareParams {
  session?: string;
  task: TaskId;
  /** Group-size target; each layer uses the largest divisor of its input size not above it. */
  groupTarget: number;
  bits: number;
  rank: number;
  steps: number;
  seed: number;
}

export type ComparePhase = 'lora' | 'qalora';

export type CompareEvent =
  | { kind: 'base'; groupSizes: number[]; fp32: Score; quantized: Score }
  | { kind: 'step'; phase: ComparePhase; step: number; steps: number; loss: number }
  | { kind: 'phase'; phase: ComparePhase; result: PhaseResult };

export interface GridSummary {
  weights: number;
  offGrid: number;
  /** Largest distance from the grid, in quantization steps. */
  maxDeviation: number;
}

export interface PhaseResult {
  params: number;
  beforeMerge: Score;
  afterMerge: Score;
  /** (QLoRA-style) the exact merged weights on the base's grid; (QA-LoRA) the unmerged function on the merged grid. */
  grid: GridSummary;
  /** QA-LoRA only: codes and scales identical after the merge. */
  codesUnchanged?: boolean;
  /** QLoRA-style only: relative error of re-quantizing the merged weights. */
  requantError?: number;
  msPerStep: number;
}

export interface CompareResult {
  groupSizes: number[];
  fp32: Score;
  quantized: Score;
  lora: PhaseResult;
  qalora: PhaseResult;
}

export interface EvaluateParams { session: string; task: TaskId }
/** The starting point of the QLoRA cell: the fp32 base, the NF4 base and (if trained) the session's model. */
export interface EvaluateResult { fp32: Score; nf4: Score; now: Score | null; step: number }
