/**
 * Symmetric eigenvalues and singular values in plain TypeScript (Float64), DOM-free.
 * tfjs has no SVD, so the site computes singular values here:
 *
 *   σᵢ(M) = √λᵢ(G),  G = M·Mᵀ or Mᵀ·M (whichever side is smaller).
 *
 * Through the Gram matrix a zero singular value comes out near √ε·σ_max (about 1e-8·σ_max
 * in Float64), which is far below the rank tolerance for float32 data (see rankTolerance).
 *
 * Two solvers:
 * - `symmetricEigenvalues`: Householder reduction to tridiagonal form, then the
 *   implicit QL method with Wilkinson shifts. Values only, O(n³) with small constants;
 *   used for weight matrices (n up to 1000).
 * - `jacobiEigen`: cyclic Jacobi rotations, values and vectors, for small matrices
 *   (a 28×28 digit, an r×r core). Slower, very accurate. The site's only Jacobi
 *   eigen-solver: analysis/linalg's `symmetricEigen` wraps it.
 * Matrices are row-major flat arrays.
 */

export type Matrix = Float64Array | Float32Array | number[];

function checkSquare(a: Matrix, n: number): void {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) throw new Error(`Expected an ${n}×${n} matrix (got ${a.length} entries).`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error('The matrix has an entry that is not a finite number.');
}

/**
 * Reduces a symmetric matrix to tridiagonal form T = QᵀAQ by Householder reflections.
 * Returns the diagonal d and the sub-diagonal e (e[i] couples i−1 and i; e[0] = 0).
 * Only the lower triangle of `a` is read.
 */
export function tridiagonalize(a: Matrix, n: number): { d: Float64Array; e: Float64Array } {
  checkSquare(a, n);
  // Work on the lower triangle, row by row (every inner loop runs along a row).
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) w[i * n + j] = a[i * n + j];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const u = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 2; i--) {
    const l = i - 1; // the block 0..l is reduced by a reflection built from row i
    const row = i * n;
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(w[row + k]);
    if (scale === 0) {
      e[i] = w[row + l];
      continue;
    }
    let h = 0;
    for (let k = 0; k <= l; k++) {
      u[k] = w[row + k] / scale;
      h += u[k] * u[k];
    }
    const f = u[l];
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    e[i] = scale * g;
    h -= f * g; // H = |u|²/2 for u = x − g·e_l
    u[l] = f - g;
    // p = A·u / H (A symmetric, read from its lower triangle), K = uᵀp / 2H, q = p − K·u;
    // then A ← A − q·uᵀ − u·qᵀ on the block (lower triangle only).
    p.fill(0, 0, l + 1);
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const uj = u[j];
      let s = 0;
      for (let k = 0; k < j; k++) {
        const x = w[rj + k];
        s += x * u[k];
        p[k] += x * uj;
      }
      p[j] += s + w[rj + j] * uj;
    }
    let upSum = 0;
    for (let j = 0; j <= l; j++) {
      p[j] /= h;
      upSum += u[j] * p[j];
    }
    const K = upSum / (2 * h);
    for (let j = 0; j <= l; j++) p[j] -= K * u[j];
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const uj = u[j];
      const qj = p[j];
      for (let k = 0; k <= j; k++) w[rj + k] -= qj * u[k] + uj * p[k];
    }
  }
  if (n >= 2) e[1] = w[n]; // a[1][0]
  for (let i = 0; i < n; i++) d[i] = w[i * n + i];
  e[0] = 0;
  return { d, e };
}

/**
 * Eigenvalues of a symmetric tridiagonal matrix (diagonal d, sub-diagonal e with
 * e[i] between i−1 and i) by the implicit QL method. Sorted in decreasing order.
 */
export function tridiagonalEigenvalues(dIn: Float64Array, eIn: Float64Array): Float64Array {
  const n = dIn.length;
  const d = Float64Array.from(dIn);
  const e = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i - 1] = eIn[i];
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error('The eigenvalue iteration did not converge.');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let deflated = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            deflated = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (deflated) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d.sort().reverse();
}

/** All eigenvalues of a symmetric n×n matrix, in decreasing order. */
export function symmetricEigenvalues(a: Matrix, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  const { d, e } = tridiagonalize(a, n);
  return tridiagonalEigenvalues(d, e);
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations.
 * values in decreasing order; vectors[i*n + j] is entry i of the eigenvector for values[j]
 * (eigenvectors are the columns).
 */
export function jacobiEigen(a: Matrix, n: number, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  checkSquare(a, n);
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i * n + j] = (a[i * n + j] + a[j * n + i]) / 2;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += w[i] * w[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += w[p * n + q] * w[p * n + q];
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = w[p * n + q];
        if (apq === 0) continue;
        const app = w[p * n + p];
        const aqq = w[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // Rotate rows/columns p and q of w, and columns p and q of v.
        for (let k = 0; k < n; k++) {
          const wkp = w[k * n + p];
          const wkq = w[k * n + q];
          w[k * n + p] = c * wkp - s * wkq;
          w[k * n + q] = s * wkp + c * wkq;
        }
        for (let k = 0; k < n; k++) {
          const wpk = w[p * n + k];
          const wqk = w[q * n + k];
          w[p * n + k] = c * wpk - s * wqk;
          w[q * n + k] = s * wpk + c * wqk;
        }
        w[p * n + q] = 0;
        w[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => w[j * n + j] - w[i * n + i]);
  const values = Float64Array.from(order, (i) => w[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/**
 * The Gram matrix of the smaller side of an m×n matrix: M·Mᵀ (m×m) if m ≤ n, else Mᵀ·M (n×n).
 * Accumulated in Float64.
 */
export function smallGram(mat: Matrix, m: number, n: number): { g: Float64Array; size: number; side: 'rows' | 'cols' } {
  if (mat.length !== m * n) throw new Error(`Expected ${m}×${n} = ${m * n} entries (got ${mat.length}).`);
  if (m <= n) {
    const rows = Float64Array.from(mat);
    const g = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      const ri = i * n;
      for (let j = 0; j <= i; j++) {
        const rj = j * n;
        let s = 0;
        for (let k = 0; k < n; k++) s += rows[ri + k] * rows[rj + k];
        g[i * m + j] = s;
        g[j * m + i] = s;
      }
    }
    return { g, size: m, side: 'rows' };
  }
  // Mᵀ·M = Σ over rows of the outer product of the row with itself.
  const g = new Float64Array(n * n);
  for (let r = 0; r < m; r++) {
    const rr = r * n;
    for (let i = 0; i < n; i++) {
      const x = mat[rr + i];
      if (x === 0) continue;
      const gi = i * n;
      for (let j = 0; j <= i; j++) g[gi + j] += x * mat[rr + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j];
  return { g, size: n, side: 'cols' };
}

/** Singular values of an m×n matrix (min(m, n) of them), decreasing, via the smaller Gram matrix. */
export function singularValues(mat: Matrix, m: number, n: number, solver: 'ql' | 'jacobi' = 'ql'): Float64Array {
  const { g, size } = smallGram(mat, m, n);
  const lambda = solver === 'ql' ? symmetricEigenvalues(g, size) : jacobiEigen(g, size).values;
  return lambda.map((x) => Math.sqrt(Math.max(0, x)));
}

/**
 * Relative Frobenius error of the best rank-r approximation (Eckart–Young):
 * ‖M − M_r‖_F / ‖M‖_F = √(Σ_{i>r} σᵢ² / Σ σᵢ²). 0 for a zero matrix.
 */
export function lowRankError(sigma: ArrayLike<number>, r: number): number {
  let total = 0;
  let tail = 0;
  for (let i = 0; i < sigma.length; i++) {
    const s2 = sigma[i] * sigma[i];
    total += s2;
    if (i >= r) tail += s2;
  }
  return total > 0 ? Math.sqrt(tail / total) : 0;
}

/** Eckart–Young errors for r = 0 … len(σ). */
export function lowRankErrors(sigma: ArrayLike<number>): Float64Array {
  const n = sigma.length;
  const out = new Float64Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) total += sigma[i] * sigma[i];
  let tail = total;
  for (let r = 0; r <= n; r++) {
    out[r] = total > 0 ? Math.sqrt(Math.max(0, tail) / total) : 0;
    if (r < n) tail -= sigma[r] * sigma[r];
  }
  out[n] = 0;
  return out;
}

/**
 * The tolerance NumPy's matrix_rank uses: σ_max · max(m, n) · ε, with ε the
 * machine epsilon of the data's precision (float32 data: 2⁻²³).
 */
export function rankTolerance(sigma: ArrayLike<number>, m: number, n: number, eps = 2 ** -23): number {
  const top = sigma.length ? Math.max(...Array.from(sigma)) : 0;
  return top * Math.max(m, n) * eps;
}

/** How many singular values exceed the tolerance. */
export function numericalRank(sigma: ArrayLike<number>, tol: number): number {
  let r = 0;
  for (let i = 0; i < sigma.length; i++) if (sigma[i] > tol) r++;
  return r;
}

/**
 * R of a Householder QR of a tall m×n matrix (m ≥ n), as an n×n upper-triangular
 * row-major array. M = QR with Q having orthonormal columns, so M and R share
 * their singular values.
 */
export function qrR(mat: Matrix, m: number, n: number): Float64Array {
  if (mat.length !== m * n) throw new Error(`Expected ${m}×${n} entries.`);
  if (m < n) throw new Error('qrR needs at least as many rows as columns.');
  const a = Float64Array.from(mat);
  const v = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm += a[i * n + j] * a[i * n + j];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = a[j * n + j] > 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i] = a[i * n + j];
    v[j] -= alpha;
    let vv = 0;
    for (let i = j; i < m; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * a[i * n + c];
      const f = (2 * dot) / vv;
      for (let i = j; i < m; i++) a[i * n + c] -= f * v[i];
    }
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = a[i * n + j];
  return r;
}

/**
 * Singular values of ΔW = s·B·A without forming it: with B = Q_B R_B and Aᵀ = Q_A R_A,
 * ΔW = Q_B (s·R_B R_Aᵀ) Q_Aᵀ, so ΔW's singular values are those of the r×r core s·R_B·R_Aᵀ.
 * b is B (d×r, row-major), at is Aᵀ (k×r, row-major). Needs d ≥ r and k ≥ r.
 */
export function factoredSingularValues(b: Matrix, d: number, at: Matrix, k: number, r: number, s = 1): Float64Array {
  const rb = qrR(b, d, r);
  const ra = qrR(at, k, r);
  const core = new Float64Array(r * r); // s · R_B · R_Aᵀ
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let sum = 0;
      for (let t = 0; t < r; t++) sum += rb[i * r + t] * ra[j * r + t];
      core[i * r + j] = s * sum;
    }
  }
  return singularValues(core, r, r, 'jacobi');
}

/**
 * SVD of a small m×n matrix through the eigenvectors of MᵀM (n×n, Jacobi):
 * σ (n values, decreasing) and V (n×n, columns = right singular vectors).
 */
export function smallSvd(mat: Matrix, m: number, n: number): { sigma: Float64Array; v: Float64Array } {
  const g = new Float64Array(n * n);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < n; i++) {
      const x = mat[r * n + i];
      for (let j = 0; j < n; j++) g[i * n + j] += x * mat[r * n + j];
    }
  }
  const { values, vectors } = jacobiEigen(g, n);
  return { sigma: values.map((x) => Math.sqrt(Math.max(0, x))), v: vectors };
}

/** Best rank-r approximation M·V_r·V_rᵀ of an m×n matrix, given its right singular vectors V (n×n). */
export function rankRApproximation(mat: Matrix, m: number, n: number, v: Float64Array, r: number): Float64Array {
  const rr = Math.max(0, Math.min(r, n));
  const mv = new Float64Array(m * rr); // M·V_r
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < rr; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += mat[i * n + k] * v[k * n + c];
      mv[i * rr + c] = s;
    }
  }
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < rr; c++) s += mv[i * rr + c] * v[j * n + c];
      out[i * n + j] = s;
    }
  }
  return out;
}
