// Small numbers for the quantization cells: “3.1 × 10⁻⁵”; others with up to 4 decimals. Never NaN.
import { DASH, formatNumber } from '../lib/format';

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

export function formatSmall(v: number): string {
  if (!Number.isFinite(v)) return DASH;
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e-2) return formatNumber(v, 4);
  const e = Math.floor(Math.log10(Math.abs(v)));
  const exp = `${e < 0 ? '⁻' : ''}${String(Math.abs(e)).replace(/\d/g, (d) => SUPERSCRIPT[Number(d)])}`;
  return `${formatNumber(v / 10 ** e, 2)} × 10${exp}`;
}

/** A signed level: “−0.6962”, “0.0796”. */
export const formatSigned = (v: number): string => (v < 0 ? `−${formatNumber(-v, 4)}` : formatNumber(v, 4));
