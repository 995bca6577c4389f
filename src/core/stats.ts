/** Order statistics for timings and distributions (the one median the jobs and cells use). */

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics; NaN for no values. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (!xs.length) return NaN;
  const s = Array.from(xs).sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

/** The middle value (the mean of the two middle ones for an even count); NaN for no values. */
export const median = (xs: ArrayLike<number>): number => quantile(xs, 0.5);
