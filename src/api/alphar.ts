/**
 * The contract of `alphar.train` (/alpha-r/): one short LoRA run per call with a chosen rank,
 * α, scaling and optimizer; its loss curve and how big the update became.
 */
import type { LoraScaling, TaskId } from '../core/index';

export interface AlphaRunParams {
  task: TaskId;
  layers: number[]; // 0-based
  rank: number;
  alpha: number;
  scaling: LoraScaling;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  steps: number;
  seed: number;
  batchSize?: number;
  reportEvery?: number;
}

export interface AlphaRunEvent { step: number; loss: number }

export interface AlphaRunResult {
  losses: AlphaRunEvent[];
  scale: number;
  /** ‖ΔW‖_F per adapted layer, and over all of them (√ of the sum of squares). */
  layerNorms: { layer: number; norm: number; w0Norm: number }[];
  totalNorm: number;
  /** The task's score on its test digits after training, and of the base before. */
  score: number;
  baseScore: number;
  msPerStep: number;
}
