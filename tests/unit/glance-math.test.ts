// The front page's figure: ΔW is the sum of the first r outer products b_i a_iᵀ, the same on every
// visit (seeded), and the counts are r(d + k) against d·k.
import { describe, expect, it } from 'vitest';
import { deltaW, glanceCounts, makeGlance, seeded } from '../../components/front/glance-math';

describe('LoRA at a glance', () => {
  const g = makeGlance(3, 4, 3, 11);
  it('is deterministic and stays in [−1, 1)', () => {
    expect(makeGlance(3, 4, 3, 11)).toEqual(g);
    for (const v of [...g.w0, ...g.b, ...g.a]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    const r = seeded(1);
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
});
