/**
 * The contract of the `whichrank.*` jobs (/which-rank/): sweeps of short LoRA runs (rank, or which
 * layers at an equal budget) and the analyses of §7.2–7.3 of the LoRA paper; and the settings the
 * cells and the jobs share.
 */
import type { DeltaVsWComparison, TaskId } from '../core/index';

/** The ranks the subspace and ΔW-vs-W analyses train, after the paper's §7.2–7.3. */
export const ANALYSIS = { small: 8, large: 64, tiny: 4 } as const;

export interface SweepRun {
  /** The page's name for this run (e.g. "rotated:r4"). */
  key: string;
  task: TaskId;
  layers: number[]; // 0-based
  rank: number;
}

export interface SweepParams {
  session: string;
  runs: SweepRun[];
  steps: number;
  seed: number;
}

export type SweepEvent =
  | { kind: 'start'; index: number; total: number; key: string }
  | { kind: 'step'; index: number; total: number; key: string; step: number; steps: number; loss: number }
  | { kind: 'result'; index: number; total: number; key: string; result: RunResult };

export interface RunResult {
  key: string;
  task: TaskId;
  layers: number[];
  rank: number;
  steps: number;
  seed: number;
  /** The task's own measure (accuracy on 4s for "fours"). */
  score: number;
  /** Accuracy on every test digit of the task. */
  accuracy: number;
  params: number;
  msPerStep: number;
}

export interface AnalysisParams {
  session: string;
  task: TaskId;
  layer: number; // 0-based
  steps: number;
  seed: number;
}

export type AnalysisEvent = { kind: 'train'; index: number; total: number; rank: number; seed: number; step: number; steps: number };

export interface SubspaceResult {
  k: number;
  /** φ(A_{r=8}, A_{r=64}, i, j), i ≤ 8, j ≤ 64, row-major by i. */
  ranks: number[];
  /** φ(A_{r=64}^{seed}, A_{r=64}^{seed+1}, i, j), i, j ≤ 64. */
  seeds: number[];
  /** The same for two random Gaussian 64-row matrices (no training): the chance level. */
  random: number[];
  small: number;
  large: number;
  scores: { rank: number; seed: number; score: number }[];
}

export interface DeltaVsWResult {
  d: number;
  k: number;
  wNorm: number;
  comparisons: (DeltaVsWComparison & { score: number })[];
  topIterations: number;
}

export interface BaselineParams { task: TaskId }
/** The base model's score on a task: the r = 0 point of a sweep. */
export interface Baseline { task: TaskId; score: number; accuracy: number }
