/**
 * The contract of `peft.latency` (/why-peft/): inference latency of the base, a sequential
 * bottleneck adapter, unmerged LoRA and merged LoRA on the reader's machine.
 */
export type Variant = 'base' | 'adapter' | 'lora' | 'merged';

export const VARIANTS: readonly Variant[] = ['base', 'adapter', 'lora', 'merged'];

export interface LatencyParams {
  /** The adapter goes after this hidden layer (0-based); LoRA adapts the same layer. */
  after: number;
  /** Adapter bottleneck m, and LoRA rank r (the same number). */
  bottleneck: number;
  batches: number[];
  /** Timed samples per variant and batch size. */
  samples: number;
  seed: number;
}

export interface LatencyRow {
  variant: Variant;
  batch: number;
  medianMs: number;
  /** Per-forward times of every sample, ms. */
  samplesMs: number[];
}

export interface LatencyResult {
  rows: LatencyRow[];
  repeat: Record<number, number>;
  adapterParams: number;
  loraParams: number;
  /** Largest |merged − unmerged| over the logits of the largest batch. */
  mergeMaxAbsDiff: number;
  backend: string;
}

export interface LatencyEvent { done: number; total: number }
