// URL state of the ΔW cell.
import { TASK_IDS as TASK_OPTIONS } from '../../src/core/tasks';

export const deltaSchema = {
  layer: { kind: 'enum', options: ['1', '2', '3'], default: '1', label: 'Layer' },
  r: { kind: 'int', min: 1, max: 64, default: 4, label: 'Rank r' },
  task: { kind: 'enum', options: TASK_OPTIONS, default: 'rotated', label: 'Task' },
  steps: { kind: 'int', min: 1, max: 500, default: 40, label: 'Steps per click' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;

/** Output sizes of the base's layers (d of each W₀ ∈ R^{d×k}), and input sizes (k). */
export const LAYER_D = [1000, 2000, 10];
export const LAYER_K = [784, 1000, 2000];

/** "7.6 ms; middle half 7.4–7.9 ms": a median timing with the spread of its samples. */
export function timingText(medianMs: number, [q1, q3]: readonly number[], format: (ms: number) => string): string {
  return `${format(medianMs)}; middle half ${format(q1).replace(/ ms$/, '')}–${format(q3)}`;
}

/** Whether two timings differ by more than their samples scatter (their middle halves do not overlap). */
export function timingsDiffer(a: readonly number[], b: readonly number[]): boolean {
  return a[1] < b[0] || b[1] < a[0];
}
