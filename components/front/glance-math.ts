// DOM-free arithmetic of the front page's "LoRA at a glance" figure: a small frozen W₀, thin
// factors B (d×r) and A (r×k) drawn from a seeded generator, their product ΔW = BA, and the
// parameter counts. Everything shown is computed here, in the reader's browser.

// The generator is the site's seeded one (src/core/rng.ts), so the figure is the same on every visit.
import { mulberry32 } from '../../src/core/rng';

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
  const rand = mulberry32(seed);
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

/** Side of one drawn cell, in CSS pixels (each matrix is its own small SVG, drawn at 1:1 so the page
 *  never scales the figure, and its labels stay HTML text at the page's own size). 8 px keeps
 *  W₀ + B × A = ΔW on one line in the 40rem reading column at the largest rank. */
export const CELL = 8;

export interface GlanceGrid {
  /** W0, B, A or dW */
  name: string;
  rows: number; cols: number;
  /** The grid's own box (its SVG), in pixels: cols·CELL × rows·CELL. */
  width: number; height: number;
  /** Drawn directly under the grid: what it is, and its shape. */
  title: string; shape: string;
  cells: { x: number; y: number; cls: 'pos' | 'neg'; opacity: string }[];
}

/** What to draw at rank r, as plain data: the page renders it once on the server, and the element
 *  redraws it in the browser whenever r changes. The figure reads left to right as the sum
 *  W₀ + B × A = ΔW; each grid carries its own coordinates, and the page lays the four out in a row. */
export function glanceScene(g: Glance, r: number): { grids: GlanceGrid[] } {
  const { d, k, rMax } = g;
  const dw = deltaW(g, r);
  let scale = 0;
  for (const v of dw) scale = Math.max(scale, Math.abs(v));
  const grid = (name: string, title: string, shape: string, values: Float64Array, rows: number, cols: number, stride: number, s: number): GlanceGrid => {
    const cells: GlanceGrid['cells'] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = values[i * stride + j];
        cells.push({ x: j * CELL, y: i * CELL, cls: v >= 0 ? 'pos' : 'neg', opacity: (0.12 + 0.88 * Math.min(1, Math.abs(v) / s)).toFixed(3) });
      }
    }
    return { name, rows, cols, width: cols * CELL, height: rows * CELL, title, shape, cells };
  };
  return {
    grids: [
      grid('W0', 'W₀ (frozen)', `${d} × ${k}`, g.w0, d, k, k, 1),
      grid('B', 'B', `${d} × ${r}`, g.b, d, r, rMax, 1),
      grid('A', 'A', `${r} × ${k}`, g.a, r, k, k, 1),
      grid('dW', 'ΔW = BA', `${d} × ${k}, rank ≤ ${r}`, dw, d, k, k, scale || 1),
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
