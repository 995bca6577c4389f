// Number formatting for cells. Every function returns DASH for NaN/±Infinity,
// so a page never shows "NaN".

export const DASH = '—';
const ok = (n: number) => typeof n === 'number' && Number.isFinite(n);
// Not Intl.NumberFormat: the first one a page builds loads the locale data, ~60 ms on the main
// thread (×4 on a slow phone), paid by every page whose cells show a number at load. Rounding the
// shortest decimal form of the number (as Intl does: 1.005 → 1.01, where toFixed gives 1.00) and
// adding thousands separators prints the same text (format.test.ts compares the two), except that
// a negative number that rounds to zero prints 0, not "-0".

/** The digits of `x` (≥ 0, < 1e21) without exponent notation: 1e-7 → "0.0000001". */
function plainDecimal(x: number): string {
  const s = String(x);
  const e = s.indexOf('e');
  if (e === -1) return s;
  // Only tiny numbers get here (below 1e-6): mantissa d.ddd times 10^-k.
  const digits = s.slice(0, e).replace('.', '');
  return `0.${'0'.repeat(-Number(s.slice(e + 1)) - 1)}${digits}`;
}

/** `n` rounded half away from zero to at most `digits` decimals, trailing zeros dropped, with thousands separators. */
function grouped(n: number, digits: number): string {
  // No cell shows a number this large in full (formatNumber switches to × 10ⁿ at 1e12): from 1e21,
  // where String() turns to exponent notation, it is shown that way rather than as Intl's 22 grouped digits.
  if (Math.abs(n) >= 1e21) return String(n);
  const [int, frac = ''] = plainDecimal(Math.abs(n)).split('.');
  let units = BigInt(int + frac.slice(0, digits).padEnd(digits, '0'));
  if ((frac[digits] ?? '0') >= '5') units += 1n;
  const all = units.toString().padStart(digits + 1, '0');
  const whole = all.slice(0, all.length - digits).replace(/\B(?=(\d{3})+$)/g, ',');
  const part = all.slice(all.length - digits).replace(/0+$/, '');
  // A negative number that rounds to zero prints as 0, not "-0".
  return `${n < 0 && units > 0n ? '-' : ''}${whole}${part ? `.${part}` : ''}`;
}

/** 2807010 → "2,807,010" (rounded to an integer). */
export function formatInt(n: number): string {
  return ok(n) ? grouped(n, 0) : DASH;
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
  return grouped(n, digits);
}

/** Bytes in decimal units: "950 B", "12.3 kB", "4.56 MB", "1.2 GB". */
export function formatBytes(n: number): string {
  if (!ok(n)) return DASH;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  const digits = i === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${n < 0 ? '−' : ''}${grouped(v, digits)} ${units[i]}`;
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
  return `${grouped(p, d)}%`;
}

/** A ratio as "110×" / "1.5×". */
export function formatRatio(x: number): string {
  if (!ok(x)) return DASH;
  return `${formatNumber(x, Math.abs(x) < 10 ? 1 : 0)}×`;
}
