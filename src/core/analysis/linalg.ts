/**
 * Small dense linear algebra in plain TypeScript (float64, row-major), for
 * analysing trained adapters: QR, a one-sided Jacobi SVD, a Jacobi
 * eigen-solver for small symmetric matrices (math/eigen's, on a Mat), and
 * subspace iteration for the top singular vectors of a large matrix. No tfjs,
 * no DOM: it runs in Node, in the worker and in tests.
 */

import { jacobiEigen } from '../eigen';

export interface Mat {
  rows: number;
  cols: number;
  /** Row-major: entry (i, j) is data[i * cols + j]. */
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function fromArray(rows: number, cols: number, data: ArrayLike<number>): Mat {
  if (data.length !== rows * cols) throw new Error(`Expected ${rows}×${cols} = ${rows * cols} numbers, got ${data.length}.`);
  return { rows, cols, data: Float64Array.from(data) };
}

export function fromRows(rows: number[][]): Mat {
  const cols = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== cols)) throw new Error('Rows of different lengths.');
  return fromArray(rows.length, cols, rows.flat());
}

export function transpose(m: Mat): Mat {
  const t = zeros(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j];
  return t;
}

/** a·b. The i-p-j loop order streams rows of b, which keeps large products cache-friendly. */
export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`Cannot multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}.`);
  const c = zeros(a.rows, b.cols);
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const ci = i * n;
    for (let p = 0; p < a.cols; p++) {
      const x = a.data[i * a.cols + p];
      if (x === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c.data[ci + j] += x * b.data[bp + j];
    }
  }
  return c;
}

/** aᵀ·b without forming aᵀ. */
export function matmulTN(a: Mat, b: Mat): Mat {
  if (a.rows !== b.rows) throw new Error(`Cannot multiply (${a.rows}×${a.cols})ᵀ by ${b.rows}×${b.cols}.`);
  const c = zeros(a.cols, b.cols);
  const n = b.cols;
  for (let p = 0; p < a.rows; p++) {
    const bp = p * n;
    for (let i = 0; i < a.cols; i++) {
      const x = a.data[p * a.cols + i];
      if (x === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) c.data[ci + j] += x * b.data[bp + j];
    }
  }
  return c;
}

export function frobenius(m: Mat): number {
  let s = 0;
  for (const x of m.data) s += x * x;
  return Math.sqrt(s);
}

/** The first `n` columns of m. */
export function leadingColumns(m: Mat, n: number): Mat {
  if (n < 0 || n > m.cols) throw new Error(`A ${m.rows}×${m.cols} matrix has no ${n} leading columns.`);
  const out = zeros(m.rows, n);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = m.data[i * m.cols + j];
  return out;
}

/**
 * Thin QR of a tall matrix (rows ≥ cols) by Householder reflections:
 * m = q·r with q (rows×cols) orthonormal columns and r (cols×cols) upper
 * triangular. Works for rank-deficient m too (q stays orthonormal).
 */
export function thinQr(m: Mat): { q: Mat; r: Mat } {
  const { rows: p, cols: n } = m;
  if (p < n) throw new Error(`thinQr needs at least as many rows as columns (got ${p}×${n}).`);
  // Work column-major: column j of the working copy is a[j*p .. j*p+p).
  const a = new Float64Array(p * n);
  for (let i = 0; i < p; i++) for (let j = 0; j < n; j++) a[j * p + i] = m.data[i * n + j];
  const vs: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const col = j * p;
    let norm = 0;
    for (let i = j; i < p; i++) norm += a[col + i] * a[col + i];
    norm = Math.sqrt(norm);
    const v = new Float64Array(p - j);
    if (norm === 0) {
      vs.push(v); // nothing to reflect; v = 0 acts as the identity
      continue;
    }
    const alpha = a[col + j] > 0 ? -norm : norm;
    for (let i = j; i < p; i++) v[i - j] = a[col + i];
    v[0] -= alpha;
    let vn = 0;
    for (const x of v) vn += x * x;
    vn = Math.sqrt(vn);
    if (vn === 0) {
      vs.push(new Float64Array(p - j));
      continue;
    }
    for (let i = 0; i < v.length; i++) v[i] /= vn;
    vs.push(v);
    // Apply H = I − 2vvᵀ to the remaining columns.
    for (let c = j; c < n; c++) {
      const cc = c * p;
      let dot = 0;
      for (let i = j; i < p; i++) dot += v[i - j] * a[cc + i];
      dot *= 2;
      for (let i = j; i < p; i++) a[cc + i] -= dot * v[i - j];
    }
  }
  const r = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r.data[i * n + j] = a[j * p + i];
  // q = H₀H₁…H_{n−1} applied to the first n columns of the identity.
  const q = new Float64Array(p * n); // column-major again
  for (let j = 0; j < n; j++) q[j * p + j] = 1;
  for (let j = n - 1; j >= 0; j--) {
    const v = vs[j];
    for (let c = 0; c < n; c++) {
      const cc = c * p;
      let dot = 0;
      for (let i = j; i < p; i++) dot += v[i - j] * q[cc + i];
      if (dot === 0) continue;
      dot *= 2;
      for (let i = j; i < p; i++) q[cc + i] -= dot * v[i - j];
    }
  }
  const qm = zeros(p, n);
  for (let i = 0; i < p; i++) for (let j = 0; j < n; j++) qm.data[i * n + j] = q[j * p + i];
  return { q: qm, r };
}

export interface Svd {
  /** Left singular vectors as columns (rows×n). */
  u: Mat;
  /** Singular values, largest first (n = min(rows, cols)). */
  s: Float64Array;
  /** Right singular vectors as columns (cols×n). */
  v: Mat;
}

/**
 * Thin SVD by one-sided Jacobi (Hestenes): orthogonalise the columns of m by
 * plane rotations, accumulating them in v; the column norms are the singular
 * values. Accurate to working precision; meant for small matrices (≤ a few
 * hundred columns).
 */
export function svd(m: Mat): Svd {
  if (m.rows < m.cols) {
    const t = svd(transpose(m));
    return { u: t.v, s: t.s, v: t.u };
  }
  const { rows: p, cols: n } = m;
  // Column-major copies: columns of the working matrix and of v.
  const a = new Float64Array(p * n);
  for (let i = 0; i < p; i++) for (let j = 0; j < n; j++) a[j * p + i] = m.data[i * n + j];
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  const eps = 1e-15;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let j = 0; j < n - 1; j++) {
      for (let k = j + 1; k < n; k++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const cj = j * p;
        const ck = k * p;
        for (let i = 0; i < p; i++) {
          const x = a[cj + i];
          const y = a[ck + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < p; i++) {
          const x = a[cj + i];
          const y = a[ck + i];
          a[cj + i] = c * x - s * y;
          a[ck + i] = s * x + c * y;
        }
        const vj = j * n;
        const vk = k * n;
        for (let i = 0; i < n; i++) {
          const x = v[vj + i];
          const y = v[vk + i];
          v[vj + i] = c * x - s * y;
          v[vk + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < p; i++) s += a[j * p + i] ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const u = zeros(p, n);
  const vm = zeros(n, n);
  const s = new Float64Array(n);
  const scale = norms[order[0]] || 1;
  order.forEach((j, col) => {
    s[col] = norms[j];
    for (let i = 0; i < n; i++) vm.data[i * n + col] = v[j * n + i];
    if (norms[j] > 1e-14 * scale) {
      for (let i = 0; i < p; i++) u.data[i * n + col] = a[j * p + i] / norms[j];
    }
  });
  completeOrthonormal(u, order.map((j) => norms[j] > 1e-14 * scale));
  return { u, s, v: vm };
}

/**
 * Columns of u marked false (zero singular values) are replaced by unit
 * vectors orthogonal to all others, so u always has orthonormal columns.
 */
function completeOrthonormal(u: Mat, valid: boolean[]): void {
  const { rows: p, cols: n } = u;
  for (let col = 0; col < n; col++) {
    if (valid[col]) continue;
    for (let e = 0; e < p; e++) {
      const x = new Float64Array(p);
      x[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let c = 0; c < n; c++) {
          if (c === col || (!valid[c] && c > col)) continue;
          let dot = 0;
          for (let i = 0; i < p; i++) dot += u.data[i * n + c] * x[i];
          for (let i = 0; i < p; i++) x[i] -= dot * u.data[i * n + c];
        }
      }
      let norm = 0;
      for (const y of x) norm += y * y;
      norm = Math.sqrt(norm);
      if (norm > 0.5) {
        for (let i = 0; i < p; i++) u.data[i * n + col] = x[i] / norm;
        valid[col] = true;
        break;
      }
    }
  }
}

/**
 * Eigen-decomposition of a small symmetric matrix, eigenvalues largest first,
 * eigenvectors as columns: jacobiEigen on a Mat, so the site has one Jacobi solver.
 */
export function symmetricEigen(m: Mat): { values: Float64Array; vectors: Mat } {
  const n = m.rows;
  if (m.cols !== n) throw new Error('symmetricEigen needs a square matrix.');
  const { values, vectors } = jacobiEigen(m.data, n);
  return { values, vectors: { rows: n, cols: n, data: vectors } };
}

/** A matrix with independent standard normal entries, from a uniform generator (Box–Muller). */
export function gaussian(rows: number, cols: number, rand: () => number): Mat {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i += 2) {
    const u1 = Math.max(rand(), 1e-300);
    const u2 = rand();
    const rad = Math.sqrt(-2 * Math.log(u1));
    m.data[i] = rad * Math.cos(2 * Math.PI * u2);
    if (i + 1 < m.data.length) m.data[i + 1] = rad * Math.sin(2 * Math.PI * u2);
  }
  return m;
}

/** A uniformly random n×r matrix with orthonormal columns (QR of a Gaussian matrix). */
export function randomOrthonormal(n: number, r: number, rand: () => number): Mat {
  return thinQr(gaussian(n, r, rand)).q;
}

/**
 * A matrix given by what it does: w·x and wᵀ·x. Lets a caller do the large
 * products elsewhere (e.g. with tfjs, read back asynchronously as a GPU needs)
 * while the small dense work stays here.
 */
export interface LinearOperator {
  rows: number;
  cols: number;
  /** w·x for x with `cols` rows. */
  mul(x: Mat): Mat | Promise<Mat>;
  /** wᵀ·x for x with `rows` rows. */
  mulT(x: Mat): Mat | Promise<Mat>;
}

/** A dense matrix as a LinearOperator (products in plain TypeScript). */
function denseOperator(w: Mat): LinearOperator {
  return { rows: w.rows, cols: w.cols, mul: (x) => matmul(w, x), mulT: (x) => matmulTN(w, x) };
}

const asOperator = (w: Mat | LinearOperator): LinearOperator => ('data' in w ? denseOperator(w) : w);

/** w·x for a matrix or an operator. */
export async function apply(w: Mat | LinearOperator, x: Mat): Promise<Mat> {
  return asOperator(w).mul(x);
}

/**
 * The top r singular triplets of a (possibly large) matrix by subspace
 * iteration with a Rayleigh–Ritz step, oversampled by `extra` columns. Each
 * iteration costs one product with w and one with wᵀ. Stops when
 * Σᵢ≤ᵣ σᵢ² changes by less than `tol` (relative) between iterations.
 */
export async function topSingular(
  w: Mat | LinearOperator,
  r: number,
  rand: () => number,
  opts: { extra?: number; tol?: number; maxIterations?: number } = {},
): Promise<Svd & { iterations: number }> {
  const op = asOperator(w);
  const n = Math.min(op.rows, op.cols);
  if (!Number.isInteger(r) || r < 1 || r > n) throw new Error(`Cannot take ${r} singular vectors of a ${op.rows}×${op.cols} matrix.`);
  const l = Math.min(n, r + (opts.extra ?? 16));
  const tol = opts.tol ?? 1e-9;
  const maxIterations = opts.maxIterations ?? 300;
  let q = thinQr(await op.mul(gaussian(op.cols, l, rand))).q; // rows×l: estimate of the top column space
  let last = -1;
  let result: Svd | null = null;
  let it = 0;
  for (it = 1; it <= maxIterations; it++) {
    const z = thinQr(await op.mulT(q)).q; // cols×l: estimate of the top row space
    const qr = thinQr(await op.mul(z)); // w z = q r, so qᵀ w z = r: Rayleigh–Ritz on the l×l matrix r
    q = qr.q;
    const s = svd(qr.r);
    let energy = 0;
    for (let i = 0; i < r; i++) energy += s.s[i] ** 2;
    result = { u: matmul(q, s.u), s: s.s, v: matmul(z, s.v) };
    if (last >= 0 && Math.abs(energy - last) <= tol * energy) break;
    last = energy;
  }
  const { u, s, v } = result!;
  return { u: leadingColumns(u, r), s: s.slice(0, r), v: leadingColumns(v, r), iterations: Math.min(it, maxIterations) };
}
