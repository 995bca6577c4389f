// Number formatting for cells. Every function returns DASH for NaN/±Infinity,
// so a page never shows "NaN".

export const DASH = '—';
const ok = (n: number) => typeof n === 'number' && Number.isFinite(n);
const nf = (opts: Intl.NumberFormatOptions) => new Intl.NumberFormat('en-US', opts);

/** 2807010 → "2,807,010" (rounded to an integer). */
export function formatInt(n: number): string {
  return ok(n) ? nf({ maximumFractionDigits: 0 }).format(n) : DASH;
}

/** 1234.567 → "1,234.57" (up to `digits` decimals). */
export function formatNumber(n: number, digits = 2): string {
  if (!ok(n)) return DASH;
  // Beyond a trillion, digits stop meaning anything to a reader: 7.4 × 10^36, not 37 digits.
  if (Math.abs(n) >= 1e12) {
    const [m, e] = n.toExponential(1).split('e');
    const sup = String(Number(e)).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
    return `${m.replace('-', '−')} × 10${sup}`;
  }
  return nf({ maximumFractionDigits: digits }).format(n);
}

/** Bytes in decimal units: "950 B", "12.3 kB", "4.56 MB", "1.2 GB". */
export function formatBytes(n: number): string {
  if (!ok(n)) return DASH;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  const digits = i === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${n < 0 ? '−' : ''}${nf({ maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}

/** Milliseconds: "0.42 ms", "12.3 ms", "850 ms", "2.5 s" (≥ 10 s shown in seconds). */
export function formatMs(ms: number): string {
  if (!ok(ms)) return DASH;
  if (Math.abs(ms) >= 10_000) return `${formatNumber(ms / 1000, 1)} s`;
  const digits = Math.abs(ms) < 1 ? 2 : Math.abs(ms) < 100 ? 1 : 0;
  return `${formatNumber(ms, digits)} ms`;
}

/** A fraction as a percentage: 0.0091 → "0.91%", 0.5 → "50%". Small values keep two significant digits. */
export function formatPercent(fraction: number, digits = 1): string {
  if (!ok(fraction)) return DASH;
  const p = fraction * 100;
  const d = p !== 0 && Math.abs(p) < 1 ? Math.max(digits, 1 - Math.floor(Math.log10(Math.abs(p)))) : digits;
  return `${nf({ maximumFractionDigits: d }).format(p)}%`;
}

/** A ratio as "110×" / "1.5×". */
export function formatRatio(x: number): string {
  if (!ok(x)) return DASH;
  return `${formatNumber(x, Math.abs(x) < 10 ? 1 : 0)}×`;
}
