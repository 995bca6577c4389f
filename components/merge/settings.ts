// Settings shared by the /merge-and-switch/ cells and their worker jobs (plain data).
import type { TaskId } from '../../src/engine/data';

export const SWITCH_TASKS: readonly TaskId[] = ['fours', 'rotated', 'inverted'];
/** Rows of the switching matrix: no adapter, one per task, and one read from a file. */
export type AdapterSlot = 'none' | TaskId | 'uploaded';
/** Columns: the plain digits the base was trained on, then each downstream task's own measure. */
export type Column = 'original' | TaskId;
export const COLUMNS: readonly Column[] = ['original', 'fours', 'rotated', 'inverted'];

/** Every task adapter: rank 8 on all three layers. */
export const SWITCH_RANK = 8;
export const SWITCH_LAYERS = [0, 1, 2] as const;
export const SWITCH_STEP_CHOICES = [25, 50, 100, 200, 400] as const;

export const LATENCY_BATCHES = [1, 64] as const;

export const SESSION = 'merge-and-switch';
/** Fired on document when the set of trained adapters in SESSION changes. */
export const ADAPTERS_EVENT = 'lora-adapters-changed';

export function adapterFileName(task: string, rank: number, steps: number): string {
  return `lora-${task.replace(/[^a-z0-9-]/gi, '')}-r${rank}-${steps}steps.lora`;
}
