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

/** The parts of a tensor's storage, per weight, as stored (see storageBreakdown). */
export interface StorageParts { parameters: number; codeBits: number; constantBits: number; secondLevelBits: number; offsetBits: number }

/**
 * "4.5096 (4 for the codes + 0.5096 for the constants)": bits per weight and its parts, rounded so
 * that the parts shown add up to the total shown. The constants are everything besides the codes:
 * the per-block absmax, and with double quantization also the second-level constants and the one
 * fp32 offset (the paper's per-parameter figure leaves that offset out; a small tensor notices it).
 */
export function bitsPerWeightText(s: StorageParts, digits = 4): string {
  if (!(s.parameters > 0)) return DASH;
  const codes = s.codeBits / s.parameters; // the data type's width: a whole number
  const k = 10 ** digits;
  const constants = Math.round(((s.constantBits + s.secondLevelBits + s.offsetBits) / s.parameters) * k) / k;
  return `${formatNumber(codes + constants, digits)} (${formatNumber(codes, digits)} for the codes + ${formatNumber(constants, digits)} for the constants)`;
}
