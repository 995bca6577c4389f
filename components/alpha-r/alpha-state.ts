// URL state of the /alpha-r/ cells.
import { TASK_IDS as TASK_OPTIONS } from '../../src/core/tasks';

export const RANKS = ['1', '4', '16', '64'] as const;

export const sweepSchema = {
  ranks: { kind: 'set', options: RANKS, default: RANKS, label: 'Ranks' },
  alpha: { kind: 'number', min: 0.25, max: 1024, default: 8, label: 'α' },
  lr: { kind: 'enum', options: ['0.0003', '0.001', '0.003'], default: '0.001', label: 'Learning rate' },
  steps: { kind: 'int', min: 2, max: 400, default: 40, label: 'Steps per run' },
  task: { kind: 'enum', options: TASK_OPTIONS, default: 'rotated', label: 'Task' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;

export const SLIDER_RANKS = ['1', '2', '4', '8', '16', '32', '64'] as const;
/** Learning rate per optimizer in the α slider cell (plain SGD needs a larger step to move at all). */
export const SLIDER_LR = { adam: 0.001, sgd: 0.05 } as const;

export const sliderSchema = {
  log2alpha: { kind: 'int', min: 0, max: 16, default: 3, label: 'log₂ α' },
  r: { kind: 'enum', options: SLIDER_RANKS, default: '8', label: 'Rank r' },
  scaling: { kind: 'enum', options: ['alpha/r', 'alpha/sqrt(r)'], default: 'alpha/r', label: 'Scaling' },
  opt: { kind: 'enum', options: ['adam', 'sgd'], default: 'adam', label: 'Optimizer' },
  steps: { kind: 'int', min: 2, max: 400, default: 30, label: 'Steps' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;
