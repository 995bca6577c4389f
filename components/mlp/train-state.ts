// URL state of the training cell (prefix "mt") and of the comparison cell (prefix "mc").
import type { Schema } from '../lib/state';

import { TASK_IDS as TASK_OPTIONS } from '../../src/core/tasks';

export const trainSchema = {
  task: { kind: 'enum', options: TASK_OPTIONS, default: 'fours', label: 'Task' },
  rank: { kind: 'int', min: 1, max: 64, default: 4, label: 'Rank r' },
  alpha: { kind: 'number', min: 0.25, max: 4096, default: 4, label: 'α' },
  lr: { kind: 'number', min: 0.00001, max: 10, default: 0.001, label: 'Learning rate' },
  steps: { kind: 'int', min: 1, max: 1000, default: 40, label: 'Steps per run' },
  layers: { kind: 'set', options: ['1', '2', '3'], default: ['1', '2', '3'], label: 'Layers' },
  seed: { kind: 'int', min: 0, max: 999999, default: 0, label: 'Seed' },
  adapter: { kind: 'bool', default: true, label: 'Adapter' },
} as const satisfies Schema;

export const compareSchema = {
  task: { kind: 'enum', options: TASK_OPTIONS, default: 'fours', label: 'Task' },
  rank: { kind: 'int', min: 1, max: 64, default: 4, label: 'LoRA rank r' },
  steps: { kind: 'int', min: 1, max: 200, default: 20, label: 'Steps' },
  seed: { kind: 'int', min: 0, max: 999999, default: 0, label: 'Seed' },
} as const satisfies Schema;
