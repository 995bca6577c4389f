// DOM-free: the rows the parameter counter shows, for the ticked matrices and a rank.
import { formatInt } from '../lib/format';
import { GPT_CONFIG, LORA_TARGETS, gptParamCount, loraCount, targetShape, type LoraTarget } from '../../src/core/gpt';

export const TARGET_LABELS: Record<LoraTarget, string> = {
  q: 'W_q', k: 'W_k', v: 'W_v', o: 'W_o', fc1: 'MLP up (W₁)', fc2: 'MLP down (W₂)',
};

export interface ParamsView {
  rows: { target: LoraTarget; label: string; shape: string; weights: string; adapter: string; adapted: boolean }[];
  base: string;
  adapter: string;
  percent: string;
  matrices: number;
}

const fmt = formatInt;

export function paramsView(targets: readonly LoraTarget[], rank: number): ParamsView {
  const c = loraCount(targets, rank);
  const L = GPT_CONFIG.layers;
  return {
    rows: LORA_TARGETS.map((t) => {
      const [k, d] = targetShape(t);
      return {
        target: t,
        label: TARGET_LABELS[t],
        shape: `${d}×${k}`,
        weights: `${fmt(c.perMatrix[t])} × ${L} blocks`,
        adapter: targets.includes(t) ? `${rank}·(${d}+${k}) × ${L} = ${fmt(rank * (d + k) * L)}` : '—',
        adapted: targets.includes(t),
      };
    }),
    base: fmt(gptParamCount()),
    adapter: fmt(c.adapter),
    percent: `${c.percentOfBase < 1 ? c.percentOfBase.toFixed(2) : c.percentOfBase.toFixed(1)} %`,
    matrices: c.matrices,
  };
}
