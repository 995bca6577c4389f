/**
 * The contract of the `intrinsic.*` jobs (/intrinsic-dimension/): the 784-200-200-10 network of
 * Li et al. (2018) trained in a random d-dimensional subspace or directly, and sweeps over d.
 */
import type { TrainingEvent } from './events';
import type { D90 } from '../core/index';

export type SubspaceMode = 'subspace' | 'direct';

export interface SubspaceTrainParams {
  session: string;
  mode: SubspaceMode;
  /** Subspace dimension (ignored for direct training). */
  d: number;
  /** Train until this many steps in total. */
  steps: number;
  seed: number;
  learningRate?: number;
  batchSize?: number;
  perRow?: number;
}

export type SubspaceEvent = TrainingEvent<{ accuracy: number }>;

export interface SubspaceResult {
  mode: SubspaceMode;
  d: number;
  D: number;
  step: number;
  accuracy: number;
  msPerStep: number;
  /** Parameters that were trained: d, or D for direct training. */
  trained: number;
}

export interface SweepParams {
  session: string;
  ds: number[];
  steps: number;
  seed: number;
}

export type SweepEvent =
  | { kind: 'start'; index: number; total: number; mode: SubspaceMode; d: number }
  | ({ kind: 'step'; index: number; total: number } & Omit<Extract<SubspaceEvent, { kind: 'step' }>, 'kind'>)
  | { kind: 'point'; mode: SubspaceMode; d: number; accuracy: number; msPerStep: number; cached: boolean };

export interface SweepResult {
  baseline: number;
  points: { d: number; accuracy: number }[];
  d90: D90;
}

export interface ResetParams { session: string; what?: 'run' | 'sweep' | 'all' }
