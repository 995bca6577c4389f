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

/** Pixel layout of the drawing (viewBox units). It depends on d, k and rMax only, never on r, so the
 *  page can reserve the figure's exact box before any script runs (no layout shift). */
export const CELL = 9;
const GAP = 14;
export function glanceLayout(d: number, k: number, rMax: number) {
  const yM = 18 + rMax * CELL + GAP + 10; // top of the row of d-tall matrices
  const bX = k * CELL + GAP * 2;
  const aX = bX + rMax * CELL + GAP;
  return { yM, bX, aX, width: aX + k * CELL, height: yM + d * CELL + 14 };
}

export interface GlanceGrid {
  /** W0, B, A or dW */
  name: string;
  rows: number; cols: number;
  cells: { x: number; y: number; cls: 'pos' | 'neg'; opacity: string }[];
}
export interface GlanceText { x: number; y: number; text: string }

/** What to draw at rank r, as plain data: the page renders it once on the server, and the
 *  element redraws it in the browser whenever r changes. A is drawn above ΔW and B to its left,
 *  as a product is usually drawn; A grows upwards, B rightwards. */
export function glanceScene(g: Glance, r: number): { grids: GlanceGrid[]; texts: GlanceText[] } {
  const { d, k, rMax } = g;
  const { yM, bX, aX } = glanceLayout(d, k, rMax);
  const yA = yM - GAP - r * CELL;
  const dw = deltaW(g, r);
  let scale = 0;
  for (const v of dw) scale = Math.max(scale, Math.abs(v));
  const grid = (name: string, values: Float64Array, rows: number, cols: number, stride: number, x: number, y: number, s: number): GlanceGrid => {
    const cells: GlanceGrid['cells'] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = values[i * stride + j];
        cells.push({ x: x + j * CELL, y: y + i * CELL, cls: v >= 0 ? 'pos' : 'neg', opacity: (0.12 + 0.88 * Math.min(1, Math.abs(v) / s)).toFixed(3) });
      }
    }
    return { name, rows, cols, cells };
  };
  return {
    grids: [
      grid('W0', g.w0, d, k, k, 0, yM, 1),
      grid('B', g.b, d, r, rMax, bX, yM, 1),
      grid('A', g.a, r, k, k, aX, yA, 1),
      grid('dW', dw, d, k, k, aX, yM, scale || 1),
    ],
    texts: [
      { x: 0, y: yM - 6, text: 'W₀ (frozen)' },
      { x: k * CELL + GAP * 0.55, y: yM + (d * CELL) / 2 + 4, text: '+' },
      { x: bX, y: yM - 6, text: 'B' },
      { x: bX, y: yA + (r * CELL) / 2 + 4, text: 'A' },
      { x: aX, y: yM + d * CELL + 11, text: `ΔW = BA, rank ≤ ${r}` },
    ],
  };
}

/** The figure's words at rank r: the announced counts and the drawing's accessible name. */
export function glanceWords(d: number, k: number, r: number, big: { d: number; k: number; name: string },
  fmt: { int: (n: number) => string; pct: (x: number) => string }) {
  const { lora, full } = glanceCounts(d, k, r);
  const real = glanceCounts(big.d, big.k, r);
  // A matrix this small shows the limit too: past dk/(d + k) the factors outnumber W₀.
  const share = lora <= full
    ? `${fmt.pct(lora / full)} of the ${fmt.int(full)} in W₀`
    : `more than the ${fmt.int(full)} in W₀ itself, so at this size rank ${r} saves nothing`;
  return {
    said: `Rank ${r}: B and A hold ${r} × (${d} + ${k}) = ${fmt.int(lora)} numbers, ${share}. `
      + `For ${big.name}, ${fmt.int(big.d)} × ${fmt.int(big.k)}, rank ${r} trains ${fmt.int(real.lora)} numbers instead of ${fmt.int(real.full)}.`,
    label: `A frozen ${d}×${k} matrix W₀ beside a ${d}×${r} matrix B and an ${r}×${k} matrix A, whose product ΔW is a ${d}×${k} matrix of rank at most ${r}.`,
  };
}
