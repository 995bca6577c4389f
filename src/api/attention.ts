/**
 * The contract of the `attention.*` jobs (/attention/): the tiny character GPT pretrained on English
 * words, adapted with LoRA on one country's place names; Table 5 and 6 of the LoRA paper rerun live;
 * adapters kept per country on the one frozen base; one head's attention pattern for a word. The
 * model's shapes, vocabulary and counts (what cells and jobs share) live in src/core/gpt.ts.
 */
import type { GptMeta, LoraTarget } from '../core/gpt';
import type { TrainingEvent } from './events';

export interface GptTrainParams {
  session: string;
  country: string;
  targets: LoraTarget[];
  rank: number;
  alpha: number;
  learningRate: number;
  /** Train until this many steps in total. */
  steps: number;
  seed: number;
  batchSize?: number;
  /** Measure the held-out loss every this many steps (0: only at the end). */
  evalEvery?: number;
}

/** `loss`: the mean over the steps since the last event (the job reports every five steps). */
export type GptTrainEvent = TrainingEvent<{ heldOut: number }>;

export interface GptTrainResult {
  step: number;
  /** Nats per character on the country's held-out names, base and adapted. */
  baseLoss: number;
  heldOut: number;
  trainableParams: number;
  msPerStep: number;
  stopped: boolean;
}

export interface BudgetParams {
  country: string;
  /** The configurations to compare: matrices and rank each (the page passes the paper's Table 5). */
  configs: { targets: LoraTarget[]; rank: number }[];
  steps: number;
  seed: number;
  alpha?: number;
  learningRate?: number;
}

export type BudgetEvent =
  | { kind: 'step'; config: number; step: number; steps: number }
  | { kind: 'config'; config: number; heldOut: number; params: number; msPerStep: number };

export interface BudgetResult { baseLoss: number; done: number }

export type InfoParams = Record<string, never>;
export interface InfoResult {
  meta: GptMeta;
  backend: string;
  /** Held-out English words in the page's sample. */
  english: number;
  countries: {
    code: string; name: string; train: number; test: number; total: number; leftOut: number;
    examples: { original: string; folded: string }[];
  }[];
}

export interface SampleParams { session: string; n: number; seed: number; temperature: number }
/** Samples from the base and, once this session has trained, from the adapted model (same seed). */
export interface SampleResult { base: string[]; adapted: string[] | null; step: number }

export interface BaseLossParams { country: string }
export interface BaseLossResult { baseLoss: number }

export interface SessionParams { session: string }
export interface KeepResult { kept: { code: string; params: number; step: number }[] }
export interface SampleKeptResult { adapters: { code: string; params: number; step: number; words: string[] }[] }

export interface AttentionParams { session: string; word: string; layer: number; head: number }
/** Row i is the position reading, column j the position read; rows sum to 1. */
export interface AttentionResult { chars: string[]; base: number[][]; adapted: number[][] | null }

export interface ResetResult { numTensors: number }

/** Adapter on/off: the session's trained adapter applied or skipped (nothing is retrained or forgotten). */
export interface AdapterSwitchParams { session: string; on: boolean }
/** `heldOut`: nats per character on the country's held-out names with the adapter as now switched (off: the base's). */
export interface AdapterSwitchResult { on: boolean; step: number; heldOut: number; baseLoss: number }
