/**
 * The contract of the `merge.*` jobs (/merge-and-switch/): merging an adapter and timing inference,
 * one adapter per task swapped into one frozen base, adapters as files; and the settings the
 * cells and the jobs share.
 */
import { TASK_IDS, type TaskId } from '../core/tasks';

export const SWITCH_TASKS: readonly TaskId[] = TASK_IDS;
/** Rows of the switching matrix: no adapter, one per task, and one read from a file. */
export type AdapterSlot = 'none' | TaskId | 'uploaded';
/** Columns: the plain digits the base was trained on, then each downstream task's own measure. */
export type Column = 'original' | TaskId;
export const COLUMNS: readonly Column[] = ['original', 'fours', 'rotated', 'inverted'];

/** Every task adapter: rank 8 on all three layers. */
export const SWITCH_RANK = 8;
export const SWITCH_LAYERS = [0, 1, 2] as const;
export interface Timing { median: number; q1: number; q3: number }

export interface MergeCheck {
  /** Largest |merged − unmerged| over the logits of the batch. */
  mergedVsUnmerged: number;
  /** Largest |W after merge and unmerge − W₀| over every weight. */
  restoredWeights: number;
  /** Largest |logits of the restored copy − logits of the base|. */
  restoredOutputs: number;
}

export type SwitchEvent =
  | { kind: 'step'; task: TaskId; step: number; steps: number; loss: number }
  | { kind: 'cell'; row: AdapterSlot; column: Column; value: number };

export interface SlotSummary { slot: AdapterSlot; task: TaskId | null; rank: number; steps: number | null; params: number }

export type LatencyEvent =
  | { kind: 'step'; step: number; steps: number; loss: number }
  | { kind: 'timing'; done: number; total: number };

export interface LatencyParams {
  session: string;
  task: TaskId;
  steps: number;
  seed: number;
  /** Timed samples per model and batch size. */
  repeats: number;
}

export interface LatencyResult {
  /** Milliseconds per forward pass (median and quartiles of the samples), per batch size. */
  timings: { batch: number; base: Timing; unmerged: Timing; merged: Timing; forwardsPerSample: number }[];
  repeats: number;
  check: MergeCheck;
  score: { unmerged: number; merged: number };
  backend: string;
}

export interface SwitchTrainParams { session: string; task: TaskId; steps: number; seed: number }
export interface UseParams { session: string; slot: AdapterSlot }
/** A slot swapped in: how long the swap took and the score in every column. */
export interface UseResult { slot: AdapterSlot; swapMs: number; row: Partial<Record<Column, number>>; numTensors: number }
export interface SaveParams { session: string; slot: AdapterSlot }
export interface SavedAdapter { bytes: Uint8Array; task: TaskId | null; rank: number; steps: number | null }
export interface LoadParams { session: string; bytes: Uint8Array; name?: string }
export type LoadResult = SlotSummary & { bytes: number };
