/**
 * Plain facts and arithmetic for subspace training, with no tfjs import, so
 * that page scripts can use them without loading TensorFlow.js.
 */

/** The network of Li et al. (2018) for MNIST: 784-200-200-10, D = 199,210. */
export const PAPER_FC_SIZES: readonly number[] = [784, 200, 200, 10];

/** A measured point: test accuracy after training in a d-dimensional subspace. */
export interface SweepPoint {
  d: number;
  accuracy: number;
}

export interface D90 {
  /** The fraction of the baseline that counts as solved (0.9). */
  fraction: number;
  /** fraction × baseline accuracy. */
  threshold: number;
  /** The smallest d in the sweep whose accuracy reached the threshold, or null if none did. */
  firstReaching: number | null;
  /**
   * Where the accuracy-vs-d polyline (straight segments between the sweep's
   * points, in d) first crosses the threshold; equals a point's d if that point
   * sits exactly on it; null if no point reaches it, or if the very first point
   * already does (nothing to interpolate from).
   */
  interpolated: number | null;
}

/** Reads d₉₀ off a sweep: the smallest subspace dimension reaching 90 % of the baseline. */
export function readD90(points: readonly SweepPoint[], baselineAccuracy: number, fraction = 0.9): D90 {
  const threshold = fraction * baselineAccuracy;
  const sorted = [...points].filter((p) => Number.isFinite(p.accuracy) && Number.isFinite(p.d)).sort((a, b) => a.d - b.d);
  const idx = sorted.findIndex((p) => p.accuracy >= threshold);
  if (!(baselineAccuracy > 0) || idx < 0) return { fraction, threshold, firstReaching: null, interpolated: null };
  const hit = sorted[idx];
  if (idx === 0) return { fraction, threshold, firstReaching: hit.d, interpolated: hit.accuracy === threshold ? hit.d : null };
  const prev = sorted[idx - 1];
  const t = (threshold - prev.accuracy) / (hit.accuracy - prev.accuracy);
  return { fraction, threshold, firstReaching: hit.d, interpolated: prev.d + t * (hit.d - prev.d) };
}

