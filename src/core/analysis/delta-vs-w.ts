/**
 * How ΔW relates to W (the LoRA paper's §7.3 and Table 7): project W onto
 * the r-dimensional subspaces of ΔW, ‖UᵀWV‖_F with U (d×r), V (k×r) the top-r
 * left/right singular vectors of ΔW, and compare with the same projection
 * onto W's own top-r directions and onto random ones. The paper writes the
 * projection as UᵀWVᵀ with V's rows as the singular vectors; it is the same
 * number.
 */
import { apply, frobenius, leadingColumns, matmulTN, randomOrthonormal, topSingular, type LinearOperator, type Mat } from './linalg';
import { deltaWSvd } from './lowrank';

/** ‖Uᵀ W V‖_F for W (d×k, a matrix or an operator), U (d×r), V (k×r). */
export async function projectionNorm(w: Mat | LinearOperator, u: Mat, v: Mat): Promise<number> {
  if (u.rows !== w.rows || v.rows !== w.cols) throw new Error(`U (${u.rows}×${u.cols}) and V (${v.rows}×${v.cols}) do not fit a ${w.rows}×${w.cols} matrix.`);
  return frobenius(matmulTN(u, await apply(w, v)));
}

export interface DeltaVsWComparison {
  rank: number;
  /** ‖ΔW‖_F (ΔW includes the scale s). */
  deltaNorm: number;
  /** ‖W‖_F */
  wNorm: number;
  /** ‖UᵀWV‖_F with U, V from ΔW, from W itself, and random. */
  projDelta: number;
  projW: number;
  projRandom: number;
  /** ‖ΔW‖_F / ‖UᵀWV‖_F with ΔW's own U, V: how much ΔW amplifies the directions it uses. */
  amplification: number;
  /** Singular values of ΔW, largest first. */
  deltaSingular: number[];
}

/** W's top singular vectors, computed once and shared by comparisons at several ranks. */
export type TopOfW = Awaited<ReturnType<typeof topSingular>>;

/**
 * Compare one adapter's ΔW = scale·BA (factors as stored: At k×r, Bt r×d)
 * with the frozen W (d×k, the paper's orientation).
 */
export async function compareDeltaVsW(
  w: Mat | LinearOperator,
  At: ArrayLike<number>,
  Bt: ArrayLike<number>,
  rank: number,
  scale: number,
  rand: () => number,
  opts: { topOfW?: TopOfW; wNorm?: number } = {},
): Promise<DeltaVsWComparison> {
  const { topOfW } = opts;
  const wNorm = opts.wNorm ?? ('data' in w ? frobenius(w) : undefined);
  if (wNorm === undefined) throw new Error('Pass ‖W‖_F when W is given as an operator.');
  const [d, k] = [w.rows, w.cols];
  const dw = deltaWSvd(At, Bt, k, rank, d, scale);
  const r = Math.min(rank, dw.s.length);
  const top = topOfW && topOfW.s.length >= r ? topOfW : await topSingular(w, r, rand);
  const lead = (m: Mat) => leadingColumns(m, r);
  const projDelta = await projectionNorm(w, lead(dw.u), lead(dw.v));
  const projW = await projectionNorm(w, lead(top.u), lead(top.v)); // = √(σ₁² + … + σᵣ²) of W
  const projRandom = await projectionNorm(w, randomOrthonormal(d, r, rand), randomOrthonormal(k, r, rand));
  let deltaNorm = 0;
  for (const s of dw.s) deltaNorm += s * s;
  deltaNorm = Math.sqrt(deltaNorm);
  return {
    rank,
    deltaNorm,
    wNorm,
    projDelta,
    projW,
    projRandom,
    amplification: deltaNorm / projDelta,
    deltaSingular: Array.from(dw.s),
  };
}
