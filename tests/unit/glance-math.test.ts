// The front page's figure: ΔW is the sum of the first r outer products b_i a_iᵀ, the same on every
// visit (seeded), and the counts are r(d + k) against d·k.
import { describe, expect, it } from 'vitest';
import { CELL, deltaW, glanceCounts, glanceScene, glanceWords, makeGlance } from '../../components/front/glance-math';
import { mulberry32 } from '../../src/core/rng';

describe('LoRA at a glance', () => {
  const g = makeGlance(3, 4, 3, 11);
  it('is deterministic and stays in [−1, 1)', () => {
    expect(makeGlance(3, 4, 3, 11)).toEqual(g);
    for (const v of [...g.w0, ...g.b, ...g.a]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    const r = mulberry32(1);
    expect(r()).not.toBe(r());
  });
  it('builds ΔW from the first r columns of B and rows of A', () => {
    for (const r of [1, 2, 3]) {
      const dw = deltaW(g, r);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 4; j++) {
          let s = 0;
          for (let t = 0; t < r; t++) s += g.b[i * 3 + t] * g.a[t * 4 + j];
          expect(dw[i * 4 + j]).toBeCloseTo(s, 12);
        }
      }
    }
    // Rank one: every row is a multiple of a₁ᵀ.
    const one = deltaW(g, 1);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(one[i * 4 + j]).toBeCloseTo(g.b[i * 3] * g.a[j], 12);
  });
  it('refuses a rank outside 1…rMax', () => {
    expect(() => deltaW(g, 0)).toThrow(RangeError);
    expect(() => deltaW(g, 4)).toThrow(/outside 1…3/);
  });
  it('counts r(d + k) against d·k', () => {
    expect(glanceCounts(12, 16, 2)).toEqual({ lora: 56, full: 192 });
    expect(glanceCounts(12288, 12288, 4)).toEqual({ lora: 98304, full: 150994944 });
  });
  it('draws W₀, B (d×r), A (r×k) and ΔW (d×k), each in its own box and labelled with its shape', () => {
    const big = makeGlance(12, 16, 12);
    for (const r of [1, 5, 12]) {
      const scene = glanceScene(big, r);
      const byName = Object.fromEntries(scene.grids.map((x) => [x.name, x]));
      expect(byName.B.cols).toBe(r);
      expect(byName.A.rows).toBe(r);
      expect(byName.dW.cells).toHaveLength(12 * 16);
      expect(scene.grids.map((x) => x.name)).toEqual(['W0', 'B', 'A', 'dW']);
      expect([byName.B.width, byName.B.height]).toEqual([r * CELL, 12 * CELL]);
      expect([byName.A.width, byName.A.height]).toEqual([16 * CELL, r * CELL]);
      for (const grid of scene.grids) {
        for (const c of grid.cells) {
          expect(c.x).toBeGreaterThanOrEqual(0);
          expect(c.y).toBeGreaterThanOrEqual(0);
          expect(c.x + CELL).toBeLessThanOrEqual(grid.width);
          expect(c.y + CELL).toBeLessThanOrEqual(grid.height);
        }
      }
      expect(byName.B.shape).toBe(`12 × ${r}`);
      expect(byName.A.shape).toBe(`${r} × 16`);
      expect(`${byName.dW.title}, ${byName.dW.shape}`).toBe(`ΔW = BA, 12 × 16, rank ≤ ${r}`);
    }
    // ΔW's cells follow deltaW: the largest entry is drawn fully opaque.
    expect(glanceScene(big, 3).grids[3].cells.some((c) => c.opacity === '1.000')).toBe(true);
  });
  it('says what the rank costs, and when it saves nothing', () => {
    const fmt = { int: (n: number) => n.toLocaleString('en-US'), pct: (x: number) => `${(100 * x).toFixed(1)}%` };
    const big = { d: 12288, k: 12288, name: 'a GPT-3 matrix' };
    expect(glanceWords(12, 16, 2, big, fmt).said).toBe('Rank 2: B and A hold 2 × (12 + 16) = 56 numbers, 29.2% of the 192 in W₀. '
      + 'For a GPT-3 matrix, 12,288 × 12,288, rank 2 trains 49,152 numbers instead of 150,994,944.');
    expect(glanceWords(12, 16, 7, big, fmt).said).toMatch(/= 196 numbers, more than the 192 in W₀ itself, so at this size rank 7 saves nothing\./);
    expect(glanceWords(12, 16, 7, big, fmt).label).toMatch(/rank at most 7\.$/);
  });
});
