// URL state of the prefix-tuning token budget cell, and its data.
import { MODEL_PRESETS, type TransformerPreset } from '../../src/core/peftCost';
import { formatInt } from '../lib/format';

export const TRANSFORMERS = MODEL_PRESETS.filter((m): m is TransformerPreset => m.kind === 'transformer');

export const prefixSchema = {
  model: { kind: 'enum', options: TRANSFORMERS.map((m) => m.id), default: 'gpt3', label: 'Model' },
  lp: { kind: 'int', min: 0, max: 2048, default: 256, label: 'Prefix tokens' },
  li: { kind: 'int', min: 0, max: 256, default: 8, label: 'Infix tokens' },
} as const;

/**
 * Paper figures, not computed here: GPT-3 175B with prefix-embedding tuning, l_i = 8,
 * WikiSQL validation accuracy (%) for each l_p. Hu et al. (2021), Table 15.
 */
export const TABLE15_PREFIX_EMBED = [
  { lp: 32, acc: 55.9 },
  { lp: 64, acc: 58.7 },
  { lp: 128, acc: 60.6 },
  { lp: 256, acc: 63.1 },
  { lp: 512, acc: 55.9 },
] as const;
/** Same table: LoRA with W_q, W_v at r = 8 (37.7 M parameters), WikiSQL 73.8 %. */
export const TABLE15_LORA_QV8 = 73.8;

/**
 * The note under the bar when no position is left for the task. It counts the same l_p + l_i
 * tokens as the trainable count d_model·(l_p + l_i) beside it; where they are more than the
 * context holds, it says so rather than calling the context's length the number of tokens.
 */
export function fullContextNote(context: number, lp: number, li: number): string | null {
  const tokens = lp + li;
  if (tokens < context) return null;
  if (tokens === context) return `No positions are left for the task: ${formatInt(tokens)} trainable tokens fill the whole ${formatInt(context)}-token context.`;
  return `No positions are left for the task: lₚ + lᵢ = ${formatInt(tokens)} trainable tokens are ${formatInt(tokens - context)} more than the ${formatInt(context)}-token context holds.`;
}
