/**
 * Equal parameter budgets across choices of adapted layers (the LoRA paper's
 * Table 5 holds the budget at 18M and lets the rank follow: r = 8 for one
 * weight type, 4 for two, 2 for four). A rank-r adapter on a d×k layer costs
 * r(d + k); for a set of layers the rank that spends a budget P is
 * P / Σ(d + k), rounded to the whole rank whose cost is closest to P.
 */
import { layerShapes } from '../params';

export interface BudgetChoice {
  /** 0-based layers adapted, each with the same rank. */
  layers: number[];
  rank: number;
  params: number;
  /** The highest useful rank for these layers: above min(d, k) a product BA gains no rank. */
  maxRank: number;
  /** True when the budget asks for more than maxRank, so the choice spends less. */
  capped: boolean;
}

export function rankForBudget(sizes: readonly number[], layers: readonly number[], budget: number): BudgetChoice {
  if (!layers.length) throw new Error('Choose at least one layer.');
  if (!(budget > 0)) throw new Error('The budget must be a positive number of parameters.');
  const shapes = layerShapes(sizes);
  for (const l of layers) if (!shapes[l]) throw new Error(`There is no layer ${l + 1}.`);
  const perRank = layers.reduce((s, l) => s + shapes[l].d + shapes[l].k, 0);
  const maxRank = Math.min(...layers.map((l) => Math.min(shapes[l].d, shapes[l].k)));
  const exact = budget / perRank;
  const lo = Math.max(1, Math.floor(exact));
  const hi = Math.max(1, Math.ceil(exact));
  let rank = Math.abs(lo * perRank - budget) <= Math.abs(hi * perRank - budget) ? lo : hi;
  const capped = rank > maxRank;
  if (capped) rank = maxRank;
  return { layers: [...layers], rank, params: rank * perRank, maxRank, capped };
}

/** The budget of adapting `layers` at `rank`: Σ r(d + k). */
export function budgetOf(sizes: readonly number[], layers: readonly number[], rank: number): number {
  const shapes = layerShapes(sizes);
  return layers.reduce((s, l) => s + rank * (shapes[l].d + shapes[l].k), 0);
}
