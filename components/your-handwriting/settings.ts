// Settings shared by the /your-handwriting/ cells (plain data, no DOM).
import { MAX_STEPS, RANKS } from '../../src/core/handwriting/settings';
import { formatPercent } from '../lib/format';

export const SESSION = 'your-handwriting';
/** The pad's drawing surface in canvas pixels (CSS scales it to the column). */
export const PAD = 280;

export const trainSchema = {
  // The choices are the ones the worker job accepts (src/core/handwriting/settings.ts).
  rank: { kind: 'enum', options: RANKS.map(String), default: '4', label: 'rank' },
  steps: { kind: 'int', min: 20, max: MAX_STEPS, default: 150, label: 'steps' },
  seed: { kind: 'int', min: 0, max: 9999, default: 0, label: 'seed' },
} as const;

/** "3 of 4 (75%)"; with nothing to count, says so instead of a made-up percentage. */
export function scoreText(s: { correct: number; n: number }): string {
  if (!s.n) return 'no drawings to measure on';
  return `${s.correct.toLocaleString('en-US')} of ${s.n.toLocaleString('en-US')} (${formatPercent(s.correct / s.n)})`;
}

/** A name safe in a file name: "Zoë Ng" → "zoe-ng" (accents dropped, the rest to hyphens). */
const slug = (who: string) =>
  who.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

export function adapterFileName(rank: number, who: string): string {
  return `handwriting-${slug(who) || 'mine'}-r${rank}.lora`;
}

export function drawingsFileName(who: string): string {
  return `drawings-${slug(who) || 'mine'}.json`;
}
