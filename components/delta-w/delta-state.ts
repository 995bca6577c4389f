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
