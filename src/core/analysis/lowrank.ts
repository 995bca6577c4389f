/**
 * SVDs of LoRA factors without ever forming a d×k matrix.
 *
 * Storage (see lora.ts): At = Aᵀ is k×r and Bt = Bᵀ is r×d, so the paper's
 * A ∈ R^{r×k}, B ∈ R^{d×r} and ΔW = s·BA ∈ R^{d×k} (s = α/r or α/√r).
 *
 *  - ΔW = s·BA: QR-factorise B = Q_B R_B and Aᵀ = Q_A R_A, so
 *    ΔW = Q_B (s·R_B R_Aᵀ) Q_Aᵀ. The SVD of the r×r core, U_c Σ V_cᵀ, gives
 *    ΔW = (Q_B U_c) Σ (Q_A V_c)ᵀ: an exact thin SVD for O((d+k)r²) work.
 *  - A alone: Aᵀ = Q R, so A = Rᵀ Qᵀ, and with Rᵀ = U_r Σ V_rᵀ the right
 *    singular vectors of A are the columns of Q V_r. These are also the left
 *    singular vectors of the stored At.
 */
import { fromArray, matmul, svd, thinQr, transpose, type Mat, type Svd } from './linalg';

function checkFactor(name: string, data: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) throw new Error(`${name}: bad shape ${rows}×${cols}.`);
  if (data.length !== rows * cols) throw new Error(`${name} should hold ${rows}×${cols} = ${rows * cols} numbers, not ${data.length}.`);
}

/**
 * Thin SVD of ΔW = scale·B·A (d×k, rank ≤ r) from the stored factors.
 * u: d×r left singular vectors, v: k×r right singular vectors, s: r values.
 */
export function deltaWSvd(At: ArrayLike<number>, Bt: ArrayLike<number>, k: number, r: number, d: number, scale = 1): Svd {
  checkFactor('Aᵀ', At, k, r);
  checkFactor('Bᵀ', Bt, r, d);
  if (k < r || d < r) return directLowRank(At, Bt, k, r, d, scale);
  const qa = thinQr(fromArray(k, r, At)); // Aᵀ = Q_A R_A
  const qb = thinQr(transpose(fromArray(r, d, Bt))); // B = Q_B R_B
  const core = matmul(qb.r, transpose(qa.r)); // R_B R_Aᵀ (r×r)
  for (let i = 0; i < core.data.length; i++) core.data[i] *= scale;
  const c = svd(core);
  return { u: matmul(qb.q, c.u), s: c.s, v: matmul(qa.q, c.v) };
}

/** Fallback when r exceeds a side of the layer (e.g. r = 16 on a 10-output layer). */
function directLowRank(At: ArrayLike<number>, Bt: ArrayLike<number>, k: number, r: number, d: number, scale: number): Svd {
  const dw = matmul(transpose(fromArray(r, d, Bt)), transpose(fromArray(k, r, At)));
  for (let i = 0; i < dw.data.length; i++) dw.data[i] *= scale;
  return svd(dw);
}

/**
 * The right-singular vectors of A (r×k) as the columns of a k×r matrix, in
 * order of decreasing singular value, with the singular values.
 */
export function rightSingularOfA(At: ArrayLike<number>, k: number, r: number): { v: Mat; s: Float64Array } {
  checkFactor('Aᵀ', At, k, r);
  if (k < r) {
    const full = svd(transpose(fromArray(k, r, At)));
    return { v: full.v, s: full.s };
  }
  const { q, r: rr } = thinQr(fromArray(k, r, At)); // Aᵀ = Q R
  const small = svd(transpose(rr)); // Rᵀ = U_r Σ V_rᵀ
  return { v: matmul(q, small.v), s: small.s };
}
