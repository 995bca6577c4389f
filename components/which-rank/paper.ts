// Cited constants from the LoRA paper: Hu, Shen, Wallis, Allen-Zhu, Li, Wang,
// Wang & Chen, "LoRA: Low-Rank Adaptation of Large Language Models",
// arXiv:2106.09685 (ICLR 2022), §7. GPT-3 175B, validation accuracy in percent.
// Typed in from the paper's Tables 5, 6 and 7; nothing here is computed.

export const LORA_PAPER = {
  citation: 'Hu et al., “LoRA: Low-Rank Adaptation of Large Language Models”, arXiv:2106.09685 (2021)',
  url: 'https://arxiv.org/abs/2106.09685',
} as const;

export type Dataset = 'WikiSQL' | 'MultiNLI';

/** The ± the paper reports for seed-to-seed variation, per dataset (first column of Tables 5 and 6). */
export const SEED_SPREAD: Record<Dataset, number> = { WikiSQL: 0.5, MultiNLI: 0.1 };

export interface Table5Column {
  /** The attention weights adapted in each of the 96 layers. */
  weights: string;
  rank: number;
  WikiSQL: number;
  MultiNLI: number;
}

/** Table 5: the same 18M trainable parameters spent on different attention weights. */
export const TABLE_5: readonly Table5Column[] = [
  { weights: 'W_q', rank: 8, WikiSQL: 70.4, MultiNLI: 91.0 },
  { weights: 'W_k', rank: 8, WikiSQL: 70.0, MultiNLI: 90.8 },
  { weights: 'W_v', rank: 8, WikiSQL: 73.0, MultiNLI: 91.0 },
  { weights: 'W_o', rank: 8, WikiSQL: 73.2, MultiNLI: 91.3 },
  { weights: 'W_q, W_k', rank: 4, WikiSQL: 71.4, MultiNLI: 91.3 },
  { weights: 'W_q, W_v', rank: 4, WikiSQL: 73.7, MultiNLI: 91.3 },
  { weights: 'W_q, W_k, W_v, W_o', rank: 2, WikiSQL: 73.7, MultiNLI: 91.7 },
];

/** Table 5's budget: 18M parameters, "roughly 35MB if stored in FP16". */
export const TABLE_5_BUDGET = 18_000_000;

export const TABLE_6_RANKS = [1, 2, 4, 8, 64] as const;

export interface Table6Row {
  dataset: Dataset;
  weights: string;
  /** Accuracy at r = 1, 2, 4, 8, 64 (TABLE_6_RANKS). */
  accuracy: readonly number[];
}

/** Table 6: validation accuracy against the rank r. */
export const TABLE_6: readonly Table6Row[] = [
  { dataset: 'WikiSQL', weights: 'W_q', accuracy: [68.8, 69.6, 70.5, 70.4, 70.0] },
  { dataset: 'WikiSQL', weights: 'W_q, W_v', accuracy: [73.4, 73.3, 73.7, 73.8, 73.5] },
  { dataset: 'WikiSQL', weights: 'W_q, W_k, W_v, W_o', accuracy: [74.1, 73.7, 74.0, 74.0, 73.9] },
  { dataset: 'MultiNLI', weights: 'W_q', accuracy: [90.7, 90.9, 91.1, 90.7, 90.7] },
  { dataset: 'MultiNLI', weights: 'W_q, W_v', accuracy: [91.3, 91.4, 91.3, 91.6, 91.4] },
  { dataset: 'MultiNLI', weights: 'W_q, W_k, W_v, W_o', accuracy: [91.2, 91.7, 91.7, 91.5, 91.4] },
];

export interface Table7Column {
  rank: 4 | 64;
  /** ‖UᵀW_qV‖_F with U, V the top-r singular vectors of ΔW_q, of W_q, or random. */
  projDelta: number;
  projW: number;
  projRandom: number;
  /** ‖ΔW_q‖_F */
  deltaNorm: number;
  /** The amplification factor as the paper states it (§7.3: "21.5 ≈ 6.91/0.32"; App. H.4: "only around 2"). */
  amplificationStated: string;
}

/** Table 7: W_q of GPT-3's 48th layer (of 96) against its adaptation ΔW_q. */
export const TABLE_7: readonly Table7Column[] = [
  { rank: 4, projDelta: 0.32, projW: 21.67, projRandom: 0.02, deltaNorm: 6.91, amplificationStated: '21.5' },
  { rank: 64, projDelta: 1.9, projW: 37.71, projRandom: 0.33, deltaNorm: 3.57, amplificationStated: 'around 2' },
];
/** ‖W_q‖_F in Table 7. */
export const TABLE_7_W_NORM = 61.95;
