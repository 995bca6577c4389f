/**
 * The page↔worker contract of the `lora.*` jobs (/mlp/, /delta-w/): a LoRA adapter, or the
 * whole network, trained on a task, kept in the cell's session between jobs. Types only, no tfjs.
 */
import type { TrainingEvent } from './events';
import type { Evaluation, LoraInit, LoraScaling, TaskId } from '../core/index';

export interface TrainParams {
  session: string;
  task: TaskId;
  mode: 'lora' | 'full';
  layers: number[]; // 0-based
  rank: number;
  alpha: number;
  scaling?: LoraScaling;
  init?: LoraInit;
  learningRate: number;
  batchSize?: number;
  /** Train until this many steps in total (a "Step" button asks for one more). */
  steps: number;
  seed: number;
  /** Evaluate on the task's test digits every this many steps (0: only at the end). */
  evalEvery?: number;
}

export interface TaskEvaluation extends Evaluation {
  task: TaskId | 'original';
  /** The number that measures the task (e.g. accuracy on 9s for "Fix the 9s"). */
  score: number;
}

export type TrainEvent = TrainingEvent<{ evaluation: TaskEvaluation }>;

export interface TrainResult {
  step: number;
  evaluation: TaskEvaluation;
  trainableParams: number;
  /** Bytes tfjs holds for this run's own tensors: what is trained plus optimizer state. */
  runBytes: number;
  msPerStep: number;
}

/** The session's model with its adapter on or off; without a session run (or `adapter` unset), the base alone. */
export interface EvaluateParams { session: string; task: TaskId | 'original'; adapter?: boolean }

export interface SessionParams { session: string }
/** What a reset leaves: the number of tensors tfjs still holds (tests watch it stay flat). */
export interface ResetResult { numTensors: number }

/**
 * A run's identity: the settings that make a different run. `lora.train` continues the session's run
 * while this is unchanged and starts afresh when it changes; the /mlp/ cell uses the same key to know
 * whether "Train" continues.
 */
export function runKey(p: Pick<TrainParams, 'task' | 'mode' | 'layers' | 'rank' | 'alpha' | 'scaling' | 'init' | 'learningRate' | 'batchSize' | 'seed'>): string {
  return JSON.stringify([p.task, p.mode, [...p.layers].sort(), p.rank, p.alpha, p.scaling, p.init, p.learningRate, p.batchSize, p.seed]);
}
