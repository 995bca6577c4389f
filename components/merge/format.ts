// Small formatting helpers for the /merge-and-switch/ cells (DOM-free).
export { backendName as backendLabel } from '../lib/backend-name';

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
