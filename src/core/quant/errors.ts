/** Error measures between a tensor and its dequantized version, and the rounding bound. */
import type { QuantDataType } from './dtypes';

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
}

/** Mean squared error. */
export function meanSquaredError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkSameLength(x, y);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i];
    sum += d * d;
  }
  return x.length ? sum / x.length : 0;
}

export function maxAbsError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkSameLength(x, y);
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  return max;
}

/** ‖x − y‖_F / ‖x‖_F (0 when both are zero, Infinity when only x is). */
export function relativeFrobeniusError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkSameLength(x, y);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i];
    diff += d * d;
    norm += x[i] * x[i];
  }
  if (norm === 0) return diff === 0 ? 0 : Infinity;
  return Math.sqrt(diff / norm);
}

export interface ErrorReport {
  readonly mse: number;
  readonly maxAbs: number;
  readonly relativeFrobenius: number;
}

export function errorReport(x: ArrayLike<number>, y: ArrayLike<number>): ErrorReport {
  return { mse: meanSquaredError(x, y), maxAbs: maxAbsError(x, y), relativeFrobenius: relativeFrobeniusError(x, y) };
}

/**
 * Worst-case nearest-level rounding error for a value in [−1, 1]: half the largest gap between
 * adjacent levels, or the distance from ±1 to the outermost level if that is larger (it is 0
 * for NF4/FP4/INT4/INT8, whose grids reach ±1).
 */
export function maxRoundingError(dtype: QuantDataType): number {
  const levels = dtype.levels;
  let worst = Math.max(levels[0] + 1, 1 - levels[levels.length - 1]);
  for (let i = 1; i < levels.length; i++) worst = Math.max(worst, (levels[i] - levels[i - 1]) / 2);
  return worst;
}

/** |x − deq(x)| ≤ maxRoundingError(dtype) · absmax for every x in a block with that absmax. */
export function blockErrorBound(dtype: QuantDataType, absmax: number): number {
  return maxRoundingError(dtype) * absmax;
}
