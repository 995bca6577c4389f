// Settings of the /merge-and-switch/ cells. What the worker's jobs also use is defined in src/api/merge.ts
// and re-exported here, so the cells keep one place to import their settings from.
export { COLUMNS, SWITCH_LAYERS, SWITCH_RANK, SWITCH_TASKS, type AdapterSlot, type Column } from '../../src/api/merge';

export const SWITCH_STEP_CHOICES = [25, 50, 100, 200, 400] as const;

export const LATENCY_BATCHES = [1, 64] as const;

export const SESSION = 'merge-and-switch';
/** Fired on document when the set of trained adapters in SESSION changes. */
export const ADAPTERS_EVENT = 'lora-adapters-changed';

export function adapterFileName(task: string, rank: number, steps: number): string {
  return `lora-${task.replace(/[^a-z0-9-]/gi, '')}-r${rank}-${steps}steps.lora`;
}
