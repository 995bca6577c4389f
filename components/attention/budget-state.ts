// Table 5 of the LoRA paper, live: the same budget of trainable parameters spent on different
// attention matrices. The configurations and the paper's numbers come from components/which-rank/paper.ts.
import { TABLE_5, TABLE_6, TABLE_6_RANKS } from '../which-rank/paper';
import { COUNTRIES, type LoraTarget } from '../../src/core/gpt';

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

/** Table 6: ranks 1, 2, 4, 8, 64 on W_q, on W_q and W_v, and on all four. */
export const RANK_CONFIGS: readonly BudgetConfig[] = ['W_q', 'W_q, W_v', 'W_q, W_k, W_v, W_o'].flatMap((weights) =>
  TABLE_6_RANKS.map((rank, i) => ({
    label: weights,
    targets: parseWeights(weights),
    rank,
    wikiSql: TABLE_6.find((r) => r.dataset === 'WikiSQL' && r.weights === weights)!.accuracy[i],
    multiNli: TABLE_6.find((r) => r.dataset === 'MultiNLI' && r.weights === weights)!.accuracy[i],
  })));

export type PaperTable = 5 | 6;
export const configsFor = (table: PaperTable): readonly BudgetConfig[] => (table === 5 ? BUDGET_CONFIGS : RANK_CONFIGS);

export function budgetSchemaFor(table: PaperTable) {
  return {
    country: { kind: 'enum', options: COUNTRIES.map((c) => c.code), default: 'FI', label: 'Country' },
    // Table 6 has 15 runs against Table 5's 7: fewer steps each by default keeps the sweep near a minute.
    steps: { kind: 'int', min: 5, max: 1000, default: table === 5 ? 60 : 30, label: 'Steps per configuration' },
    seed: { kind: 'int', min: 0, max: 999_999, default: 0, label: 'Seed' },
  } as const;
}
export const budgetSchema = budgetSchemaFor(5);
