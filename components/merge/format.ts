// Small formatting helpers for the /merge-and-switch/ cells (DOM-free).
export { backendLabel } from '../lib/backend-line';

/** A tiny difference in scientific notation: 3.1 × 10⁻⁷; exactly 0 as "0 (bit-identical)". */
export function formatDiff(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0 (bit-identical)';
  let e = Math.floor(Math.log10(Math.abs(x)));
  let m = x / 10 ** e;
  if (Math.abs(Number(m.toFixed(1))) >= 10) {
    m /= 10;
    e += 1;
  }
  const sup = String(e).replace(/-/g, '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
  return `${m.toFixed(1)} × 10${sup}`;
}


/** A swap takes microseconds; the timer in a page may only resolve 0.1 ms. */
export function formatSwapMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 0.1 ? 'under 0.1 ms' : `${ms.toFixed(1)} ms`;
}

/** What a task's score is measured on, inside a sentence: "97.1% on the 4s", "88.0% on rotated digits". */
export const SCORED_ON: Record<'fours' | 'rotated' | 'inverted', string> = { fours: 'the 4s', rotated: 'rotated digits', inverted: 'inverted digits' };

/** "Done: Rotated digits trained for 25 steps." / "Done: Fix the 4s, Rotated digits, Inverted digits trained for 25 steps each." */
export function trainedText(labels: readonly string[], steps: number): string {
  return `Done: ${labels.join(', ')} trained for ${steps.toLocaleString('en-US')} step${steps === 1 ? '' : 's'}${labels.length > 1 ? ' each' : ''}.`;
}

/** A time relative to the base, in whole percent: "+12% vs base", "−3% vs base", "±0% vs base" (never "0.0000000031%"). */
export function signedVsBase(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const pct = Math.round(x * 100);
  if (pct === 0) return '±0% vs base';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct)}% vs base`;
}
