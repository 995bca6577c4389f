// Table 5 of the LoRA paper, live: the same budget of trainable parameters spent on different
// attention matrices. The configurations and the paper's numbers come from components/which-rank/paper.ts.
import { TABLE_5 } from '../which-rank/paper';
import { COUNTRIES, type LoraTarget } from '../../src/engine/gptShapes';

export interface BudgetConfig {
  /** As the paper prints it, e.g. "W_q, W_v". */
  label: string;
  targets: LoraTarget[];
  rank: number;
  wikiSql: number;
  multiNli: number;
}

/** "W_q, W_k" → ['q', 'k']. */
export function parseWeights(weights: string): LoraTarget[] {
  return weights.split(',').map((w) => {
    const m = /^W_([qkvo])$/.exec(w.trim());
    if (!m) throw new Error(`Not an attention matrix: "${w}"`);
    return m[1] as LoraTarget;
  });
}

export const BUDGET_CONFIGS: readonly BudgetConfig[] = TABLE_5.map((c) => ({
  label: c.weights, targets: parseWeights(c.weights), rank: c.rank, wikiSql: c.WikiSQL, multiNli: c.MultiNLI,
}));

export const budgetSchema = {
  country: { kind: 'enum', options: COUNTRIES.map((c) => c.code), default: 'FI', label: 'Country' },
  steps: { kind: 'int', min: 5, max: 1000, default: 60, label: 'Steps per configuration' },
  seed: { kind: 'int', min: 0, max: 999_999, default: 0, label: 'Seed' },
} as const;
