// Exact rank, reduced row echelon form and row dependencies over the rationals.
// DOM-free. Entries are parsed from text (integers, decimals, a/b fractions)
// into mathjs Fractions (BigInt-backed), so no rounding ever happens.
import { fraction, type Fraction } from 'mathjs';

/** Largest magnitude accepted for one entry. */
export const MAX_ABS = 1_000_000;
/** Most decimal places accepted for one entry (after applying any exponent). */
export const MAX_DECIMALS = 12;

export type ParsedEntry = { ok: true; value: Fraction } | { ok: false; reason: string };

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d{1,6}))?$/i;
const RATIO = /^([+-]?\d{1,12})\s*\/\s*(\d{1,12})$/;

/** Parse one matrix entry. The reason (on failure) is a phrase such as "is empty". */
export function parseEntry(text: string): ParsedEntry {
  const s = text.trim().replace(/\u2212/g, '-');
  if (s === '') return { ok: false, reason: 'is empty' };
  if (s.length > 40) return { ok: false, reason: 'is too long' };
  const r = RATIO.exec(s);
  if (r) {
    if (BigInt(r[2]) === 0n) return { ok: false, reason: 'divides by zero' };
    return checkSize(fraction(BigInt(r[1]), BigInt(r[2])));
  }
  const d = DECIMAL.exec(s);
  if (!d || (d[2] === '' && (d[3] ?? '') === '')) {
    return { ok: false, reason: `holds “${s}”, which is not a number (use e.g. 3, -0.5 or 2/3)` };
  }
  const [, sign, int, frac = '', exp = '0'] = d;
  const e = Number(exp);
  if (Math.abs(Number(s)) > MAX_ABS || !Number.isFinite(Number(s))) return tooLarge();
  const places = frac.length - e;
  if (places > MAX_DECIMALS) return { ok: false, reason: `has more than ${MAX_DECIMALS} decimal places` };
  let num = BigInt((int || '0') + frac) * (places < 0 ? 10n ** BigInt(-places) : 1n);
  if (sign === '-') num = -num;
  const den = places > 0 ? 10n ** BigInt(places) : 1n;
  return checkSize(fraction(num, den));
}

function tooLarge(): ParsedEntry {
  return { ok: false, reason: 'is too large (entries must lie between −1,000,000 and 1,000,000)' };
}
function checkSize(f: Fraction): ParsedEntry {
  return f.abs().compare(MAX_ABS) > 0 ? tooLarge() : { ok: true, value: f };
}

export interface EntryError { row: number; col: number; reason: string }

/** Parse a grid of entry texts; `matrix` is null when any entry is invalid. */
export function parseMatrix(texts: string[][]): { matrix: Fraction[][] | null; errors: EntryError[] } {
  const errors: EntryError[] = [];
  const matrix = texts.map((row, i) =>
    row.map((t, j) => {
      const p = parseEntry(t);
      if (p.ok) return p.value;
      errors.push({ row: i, col: j, reason: p.reason });
      return fraction(0);
    }),
  );
  return { matrix: errors.length ? null : matrix, errors };
}

/** Row `row` equals Σ coef·(row `of`), using only earlier independent rows (0-based). */
export interface Dependency { row: number; combo: { of: number; coef: Fraction }[] }

export interface RankResult {
  rank: number;
  rref: Fraction[][];
  pivotCols: number[];
  dependent: Dependency[];
}

const isZero = (f: Fraction) => f.equals(0);

/** Gauss–Jordan elimination to reduced row echelon form, exactly. */
export function rref(m: Fraction[][]): { rref: Fraction[][]; pivotCols: number[] } {
  const a = m.map((row) => row.slice());
  const rows = a.length;
  const cols = rows ? a[0].length : 0;
  const pivotCols: number[] = [];
  let r = 0;
  for (let c = 0; c < cols && r < rows; c++) {
    const p = a.findIndex((row, i) => i >= r && !isZero(row[c]));
    if (p < 0) continue;
    [a[r], a[p]] = [a[p], a[r]];
    const inv = a[r][c].inverse();
    a[r] = a[r].map((x) => x.mul(inv));
    for (let i = 0; i < rows; i++) {
      if (i === r || isZero(a[i][c])) continue;
      const f = a[i][c];
      a[i] = a[i].map((x, j) => x.sub(f.mul(a[r][j])));
    }
    pivotCols.push(c);
    r++;
  }
  return { rref: a, pivotCols };
}

/** Rows that are linear combinations of earlier rows, with the coefficients. */
export function dependentRows(m: Fraction[][]): Dependency[] {
  const basis: { vec: Fraction[]; pivot: number; combo: Fraction[] }[] = [];
  const out: Dependency[] = [];
  m.forEach((row, i) => {
    let vec = row.slice();
    let combo = m.map((_, j) => fraction(j === i ? 1 : 0));
    for (const b of basis) {
      const f = vec[b.pivot];
      if (isZero(f)) continue;
      const k = f.div(b.vec[b.pivot]);
      vec = vec.map((x, j) => x.sub(k.mul(b.vec[j])));
      combo = combo.map((x, j) => x.sub(k.mul(b.combo[j])));
    }
    const pivot = vec.findIndex((x) => !isZero(x));
    if (pivot >= 0) {
      basis.push({ vec, pivot, combo });
    } else {
      // 0 = row_i + Σ combo_j row_j  ⇒  row_i = Σ (−combo_j) row_j
      const terms = combo.flatMap((c, j) => (j !== i && !isZero(c) ? [{ of: j, coef: c.neg() }] : []));
      out.push({ row: i, combo: terms });
    }
  });
  return out;
}

/** Rank, RREF, pivot columns and dependent rows of an exact matrix. */
export function exactRank(m: Fraction[][]): RankResult {
  const { rref: r, pivotCols } = rref(m);
  return { rank: pivotCols.length, rref: r, pivotCols, dependent: dependentRows(m) };
}

/** Convenience: rank of a matrix of numbers or entry strings (throws on bad entries). */
export function rankOf(m: (number | string)[][]): number {
  const { matrix, errors } = parseMatrix(m.map((row) => row.map(String)));
  if (!matrix) throw new Error(`bad entry at row ${errors[0].row + 1}, column ${errors[0].col + 1}`);
  return exactRank(matrix).rank;
}

/** A fraction for display: "−3/4", "2", "0" (typographic minus). */
export function formatFraction(f: Fraction): string {
  return f.toFraction().replace('-', '−');
}

/** "row 3 = 2·row 1 − row 2" (1-based), or "row 3 is all zeros". */
export function describeDependency(d: Dependency): string {
  if (d.combo.length === 0) return `row ${d.row + 1} is all zeros`;
  const parts = d.combo.map(({ of, coef }, k) => {
    const neg = coef.compare(0) < 0;
    const mag = coef.abs();
    const factor = mag.equals(1) ? '' : `${mag.toFraction()}·`;
    const sign = k === 0 ? (neg ? '−' : '') : neg ? ' − ' : ' + ';
    return `${sign}${factor}row ${of + 1}`;
  });
  return `row ${d.row + 1} = ${parts.join('')}`;
}
