// DOM-free arithmetic of the front page's "LoRA at a glance" figure: a small frozen W₀, thin
// factors B (d×r) and A (r×k) drawn from a seeded generator, their product ΔW = BA, and the
// parameter counts. Everything shown is computed here, in the reader's browser.

/** mulberry32: a small seeded generator, so the figure is the same on every visit. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Glance {
  d: number; k: number; rMax: number;
  /** d×k, row-major. */
  w0: Float64Array;
  /** d×rMax, row-major: column i is b_i. */
  b: Float64Array;
  /** rMax×k, row-major: row i is a_iᵀ. */
  a: Float64Array;
}

/** Uniform values in [−1, 1) from the seed; B and A as trained factors might look, W₀ as a frozen matrix. */
export function makeGlance(d: number, k: number, rMax: number, seed = 7): Glance {
  const rand = seeded(seed);
  const fill = (n: number) => Float64Array.from({ length: n }, () => 2 * rand() - 1);
  return { d, k, rMax, w0: fill(d * k), b: fill(d * rMax), a: fill(rMax * k) };
}

/** ΔW = B[:, :r] · A[:r, :] = Σᵢ bᵢ aᵢᵀ (d×k, row-major): the first r outer products. */
export function deltaW(g: Glance, r: number): Float64Array {
  if (!Number.isInteger(r) || r < 1 || r > g.rMax) throw new RangeError(`rank ${r} is outside 1…${g.rMax}`);
  const out = new Float64Array(g.d * g.k);
  for (let i = 0; i < g.d; i++) {
    for (let j = 0; j < g.k; j++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += g.b[i * g.rMax + t] * g.a[t * g.k + j];
      out[i * g.k + j] = s;
    }
  }
  return out;
}

/** Numbers a rank-r update stores, against the full matrix: r(d + k) and d·k. */
export const glanceCounts = (d: number, k: number, r: number) => ({ lora: r * (d + k), full: d * k });
