// The front page's live figure, used as a reader would: keyboard on the labelled slider, the
// announced counts, the drawn matrices, and the rank in the address.
import { describe, expect, it } from 'vitest';
import { useSite } from './harness';

const site = useSite();

describe('/ LoRA at a glance', () => {
  it('grows B and A with the rank, recomputes ΔW and announces the counts', async () => {
    const { page, context, problems } = await site.open('/');
    const fig = page.locator('lora-glance');
    const slider = page.getByRole('slider', { name: /Rank r/ });
    const said = fig.locator('[data-role="said"]');
    await expect.poll(() => said.textContent()).toMatch(/^Rank 2: B and A hold 2 × \(12 \+ 16\) = 56 numbers, 29\.2% of the 192 in W₀\. For one of GPT-3’s attention matrices, 12,288 × 12,288, rank 2 trains 49,152 numbers instead of 150,994,944\.$/);
    expect(await said.getAttribute('aria-live')).toBe('polite');
    expect(await fig.locator('g[data-matrix="B"]').getAttribute('data-cols')).toBe('2');
    expect(await fig.locator('g[data-matrix="A"]').getAttribute('data-rows')).toBe('2');
    expect(await fig.locator('g[data-matrix="dW"] rect').count()).toBe(12 * 16);
    const before = await fig.locator('g[data-matrix="dW"] rect').first().getAttribute('fill-opacity');

    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => said.textContent()).toMatch(/^Rank 4: B and A hold 4 × \(12 \+ 16\) = 112 numbers/);
    expect(await fig.locator('output[data-role="r"]').textContent()).toBe('4');
    expect(await fig.locator('g[data-matrix="B"] rect').count()).toBe(12 * 4);
    expect(await fig.locator('g[data-matrix="A"] rect').count()).toBe(4 * 16);
    expect(await fig.locator('[role="img"]').getAttribute('aria-label')).toMatch(/rank at most 4\.$/);
    // ΔW is recomputed, not just relabelled.
    expect(await fig.locator('g[data-matrix="dW"] rect').first().getAttribute('fill-opacity')).not.toBe(before);
    expect(page.url()).toContain('lg.r=4');
    await page.keyboard.press('End');
    await expect.poll(() => said.textContent()).toMatch(/^Rank 12: B and A hold 12 × \(12 \+ 16\) = 336 numbers, more than the 192 in W₀ itself, so at this size rank 12 saves nothing\. /);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens at the rank in the link, and clamps a bad one with a notice', async () => {
    const { page, context, problems } = await site.open('/?lg.r=99');
    await expect.poll(() => page.locator('lora-glance [data-role="said"]').textContent()).toMatch(/^Rank 12:/);
    await expect.poll(() => page.locator('lora-glance .cell-messages').textContent()).toMatch(/12/);
    expect(problems).toEqual([]);
    await context.close();
  });
  // The reader trial's drawing had A floating over ΔW, its label over empty space above B, no "=", a
  // tall empty band above the matrices at low rank and 6 px labels on a phone. The figure must read
  // left to right W₀ + B × A = ΔW, each grid labelled under itself with its shape, at every rank.
  const geometry = async (width: number, r: number) => {
    const { page, context, problems } = await site.open(`/?lg.r=${r}`, { width });
    const fig = page.locator('lora-glance');
    await expect.poll(() => fig.locator('[data-role="said"]').textContent()).toMatch(new RegExp(`^Rank ${r}:`));
    await fig.scrollIntoViewIfNeeded();
    const g = await fig.evaluate((el) => {
      const box = (e: Element) => { const b = e.getBoundingClientRect(); return { x: b.x, y: b.y, right: b.right, bottom: b.bottom, w: b.width, h: b.height }; };
      const grid = (name: string) => box(el.querySelector(`g[data-matrix="${name}"]`)!.closest('svg')!);
      const ops = [...el.querySelectorAll('.glance .op')].map((o) => ({ text: o.textContent, ...box(o) }));
      const labels = [...el.querySelectorAll('.glance [data-unit]')].map((u) => {
        const l = u.querySelector('.glance-l')!;
        return { unit: (u as HTMLElement).dataset.unit!, text: l.textContent, font: Math.min(...[...l.children].map((c) => parseFloat(getComputedStyle(c).fontSize))), ...box(l) };
      });
      return { top: box(el.querySelector('[role="img"]')!).y, W0: grid('W0'), B: grid('B'), A: grid('A'), dW: grid('dW'), ops, labels };
    });
    const rows = (b: { y: number; bottom: number }, c: { y: number; bottom: number }) => b.y < c.bottom && c.y < b.bottom;
    // Shapes: B is d tall and r wide, A is r tall and k wide, W₀ and ΔW d × k (8 px cells).
    expect([g.B.w, g.B.h, g.A.w, g.A.h]).toEqual([r * 8, 96, 128, r * 8]);
    // The operators, in order, each on the line of the grids it joins.
    expect(g.ops.map((o) => o.text)).toEqual(['+', '×', '=']);
    const [plus, times, equals] = g.ops;
    expect(times.x).toBeGreaterThanOrEqual(g.B.right - 0.5);
    expect(times.right).toBeLessThanOrEqual(g.A.x + 0.5);
    expect(rows(times, g.B) && rows(times, g.A)).toBe(true);
    expect(plus.right).toBeLessThanOrEqual(g.B.x + 0.5);
    expect(rows(plus, g.B)).toBe(true);
    expect(equals.right).toBeLessThanOrEqual(g.dW.x + 0.5);
    expect(rows(equals, g.dW)).toBe(true);
    // A sits beside B, within B's height, not above or on top of ΔW.
    expect(g.A.x).toBeGreaterThan(g.B.right);
    expect(g.A.y).toBeGreaterThanOrEqual(g.B.y - 0.5);
    expect(g.A.bottom).toBeLessThanOrEqual(g.B.bottom + 0.5);
    expect(rows(g.A, g.dW) && g.A.right > g.dW.x).toBe(false);
    if (width >= 1000) {
      // One line: W₀ + B × A = ΔW, and nothing but the grids' own margin above them.
      expect(g.W0.right).toBeLessThanOrEqual(plus.x + 0.5);
      expect(g.A.right).toBeLessThanOrEqual(equals.x + 0.5);
      for (const m of [g.B, g.dW]) expect(Math.abs(m.y - g.W0.y)).toBeLessThan(0.5);
    } else {
      // Stacked: W₀, then + B × A, then = ΔW.
      expect(g.B.y).toBeGreaterThan(g.W0.bottom);
      expect(g.dW.y).toBeGreaterThan(Math.max(g.B.bottom, g.A.bottom));
    }
    expect(Math.min(g.W0.y, g.B.y, g.A.y, g.dW.y) - g.top).toBeLessThan(4);
    // Each grid's label is directly under it, names its shape and is legible.
    const grids = { W0: g.W0, B: g.B, A: g.A, dW: g.dW } as const;
    const shapes = { W0: '12 × 16', B: `12 × ${r}`, A: `${r} × 16`, dW: `12 × 16, rank ≤ ${r}` } as const;
    for (const l of g.labels) {
      const m = grids[l.unit as keyof typeof grids];
      expect(l.text).toContain(shapes[l.unit as keyof typeof shapes]);
      expect(l.y).toBeGreaterThanOrEqual(m.bottom - 0.5);
      expect(l.y - m.bottom).toBeLessThan(8);
      expect(Math.abs((l.x + l.right) / 2 - (m.x + m.right) / 2)).toBeLessThan(1);
      expect(l.font).toBeGreaterThanOrEqual(11);
    }
    // Labels do not run into one another.
    for (const a of g.labels) for (const b of g.labels) {
      if (a !== b) expect(rows(a, b) && a.x < b.right && b.x < a.right).toBe(false);
    }
    expect(problems).toEqual([]);
    await context.close();
  };
  for (const width of [1280, 375]) {
    it(`reads W₀ + B × A = ΔW with every grid labelled under itself, ${width} px wide`, async () => {
      for (const r of [1, 2, 6, 12]) await geometry(width, r);
    });
  }
});
