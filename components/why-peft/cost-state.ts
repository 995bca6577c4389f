// URL state of the cost calculator (shared by its markup and its script).
import { PRESET_IDS } from '../../src/core/peftCost';

export const costSchema = {
  model: { kind: 'enum', options: PRESET_IDS, default: 'gpt3', label: 'Model' },
  r: { kind: 'int', min: 1, max: 256, default: 4, label: 'Rank r' },
  mats: { kind: 'set', options: ['q', 'k', 'v', 'o'], default: ['q', 'v'], label: 'Adapted matrices' },
  layers: { kind: 'set', options: ['1', '2', '3'], default: ['1', '2', '3'], label: 'Adapted layers' },
  prec: { kind: 'enum', options: ['fp16', 'fp32'], default: 'fp16', label: 'Precision' },
  tasks: { kind: 'int', min: 1, max: 10_000, default: 100, label: 'Tasks' },
} as const;
