/**
 * Normalised subspace similarity, the LoRA paper's Eq. 4 (Hu et al. 2021, §7.2):
 *
 *   φ(A₁, A₂, i, j) = ‖U₁⁽ⁱ⁾ᵀ U₂⁽ʲ⁾‖²_F / min(i, j)  ∈ [0, 1]
 *
 * where U⁽ⁱ⁾ holds the top-i singular vectors (orthonormal columns). It is the
 * mean squared cosine of the principal angles between the two subspaces:
 * 1 when the smaller one lies inside the larger, 0 when they are orthogonal.
 */
import { matmulTN, type Mat } from './linalg';

function check(u1: Mat, u2: Mat, i: number, j: number): void {
  if (u1.rows !== u2.rows) throw new Error(`The two bases live in different spaces (${u1.rows} vs ${u2.rows} dimensions).`);
  if (!Number.isInteger(i) || i < 1 || i > u1.cols) throw new Error(`i must be between 1 and ${u1.cols} (got ${i}).`);
  if (!Number.isInteger(j) || j < 1 || j > u2.cols) throw new Error(`j must be between 1 and ${u2.cols} (got ${j}).`);
}

/** φ for one (i, j): the leading i columns of u1 against the leading j columns of u2. */
export function subspaceSimilarity(u1: Mat, u2: Mat, i: number, j: number): number {
  check(u1, u2, i, j);
  let sum = 0;
  for (let a = 0; a < i; a++) {
    for (let b = 0; b < j; b++) {
      let dot = 0;
      for (let t = 0; t < u1.rows; t++) dot += u1.data[t * u1.cols + a] * u2.data[t * u2.cols + b];
      sum += dot * dot;
    }
  }
  return sum / Math.min(i, j);
}

/**
 * φ(i, j) for every 1 ≤ i ≤ iMax, 1 ≤ j ≤ jMax at once: M = U₁ᵀU₂ once, then
 * 2-D prefix sums of M². Returned row-major: grid[(i−1)·jMax + (j−1)].
 */
export function similarityGrid(u1: Mat, u2: Mat, iMax = u1.cols, jMax = u2.cols): Float64Array {
  check(u1, u2, iMax, jMax);
  const m = matmulTN(u1, u2); // u1.cols × u2.cols
  const grid = new Float64Array(iMax * jMax);
  const prefix = new Float64Array((iMax + 1) * (jMax + 1));
  const w = jMax + 1;
  for (let i = 1; i <= iMax; i++) {
    for (let j = 1; j <= jMax; j++) {
      const x = m.data[(i - 1) * m.cols + (j - 1)];
      prefix[i * w + j] = x * x + prefix[(i - 1) * w + j] + prefix[i * w + j - 1] - prefix[(i - 1) * w + j - 1];
      grid[(i - 1) * jMax + (j - 1)] = prefix[i * w + j] / Math.min(i, j);
    }
  }
  return grid;
}

/** What φ(i, j) averages to for two independent, uniformly random subspaces of R^n: max(i, j)/n. */
export function randomSubspaceSimilarity(n: number, i: number, j: number): number {
  return Math.min(1, Math.max(i, j) / n);
}
