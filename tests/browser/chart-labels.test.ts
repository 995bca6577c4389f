// Every chart (Observable Plot, drawn by components/lib/plot.ts) on every page, at 1280 and 375 px: no axis
// title overlaps a tick label, no two tick labels of one axis overlap, and no text lies outside its SVG
// (where it would be clipped). Charts drawn at load are checked, and those drawn after pressing the buttons that
// finish in a moment (one training step, a preset, the attention view); buttons that start training are not pressed.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite, scrollThrough, sitePaths } from './harness';

const site = useSite();

/** Buttons whose work ends within a second or two (no training run): the charts they draw are checked too. */
const QUICK = /^(Step|Show attention|Full rank|Rank-1 outer product|Duplicated rows)$/;

/** Boxes may touch; an overlap counts when it is more than this many pixels both ways. */
const SLACK = 1;

/** Every overlap or clipped text in the page's charts, one line each, naming the chart, the texts and the boxes. */
function chartTextProblems(page: Page): Promise<string[]> {
  return page.evaluate((slack) => {
    type Box = { left: number; right: number; top: number; bottom: number };
    const found: string[] = [];
    const box = (el: Element): Box => el.getBoundingClientRect();
    const overlap = (a: Box, b: Box) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;
    const fmt = (b: Box) => `[${Math.round(b.left)},${Math.round(b.top)}–${Math.round(b.right)},${Math.round(b.bottom)}]`;
    const texts = (root: Element) => [...root.querySelectorAll('text')].filter((t) => t.textContent!.trim() !== '' && t.getBBox().width > 0);
    for (const container of document.querySelectorAll<HTMLElement>('.plot-container')) {
      // Named by its cell (the nearest custom element), its role in the cell, and the start of its description.
      let cell: Element | null = container;
      while (cell && !cell.tagName.includes('-')) cell = cell.parentElement;
      const chart = `<${cell?.tagName.toLowerCase()}> ${container.dataset.role ?? ''} “${(container.firstElementChild?.getAttribute('aria-label') ?? '').slice(0, 50)}…”`;
      for (const svg of container.querySelectorAll('svg')) {
        const bounds = box(svg);
        for (const t of texts(svg)) {
          const b = box(t);
          if (b.left < bounds.left - slack || b.right > bounds.right + slack || b.top < bounds.top - slack || b.bottom > bounds.bottom + slack) {
            found.push(`${chart}: “${t.textContent}” ${fmt(b)} outside its SVG ${fmt(bounds)}`);
          }
        }
        const ticks = [...svg.querySelectorAll('[data-mark$="-axis tick label"]')].map((g) => ({ axis: g.getAttribute('data-mark')!, texts: texts(g) }));
        for (const { axis, texts: ts } of ticks) {
          for (let i = 0; i < ts.length; i++) {
            for (let j = i + 1; j < ts.length; j++) {
              if (overlap(box(ts[i]), box(ts[j]))) found.push(`${chart}: ${axis} “${ts[i].textContent}” ${fmt(box(ts[i]))} overlaps “${ts[j].textContent}” ${fmt(box(ts[j]))}`);
            }
          }
        }
        for (const g of svg.querySelectorAll('[data-mark$="-axis label"]')) {
          for (const label of texts(g)) {
            for (const { axis, texts: ts } of ticks) {
              for (const t of ts) {
                if (overlap(box(label), box(t))) found.push(`${chart}: ${g.getAttribute('data-mark')} “${label.textContent}” ${fmt(box(label))} overlaps ${axis} “${t.textContent}” ${fmt(box(t))}`);
              }
            }
          }
        }
      }
    }
    return found;
  }, SLACK);
}

describe.each(sitePaths())('%s', (path) => {
  it.each([1280, 375])('keeps chart labels clear of ticks and inside the chart at %i px', async (width) => {
    const { page, context } = await site.open(path, { width, height: 900 });
    await scrollThrough(page);
    await page.waitForTimeout(300);
    const problems = await chartTextProblems(page);
    const quick = page.locator('main button:enabled').filter({ hasText: QUICK });
    for (let i = 0; i < await quick.count(); i++) {
      const button = quick.nth(i);
      const name = (await button.textContent())!.trim();
      await button.scrollIntoViewIfNeeded();
      await button.click();
      // Done when the button is enabled again (a step disables its row while it runs) and the charts have redrawn.
      // A first step loads the model (network) and then measures it, which draws the per-digit chart.
      await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(3000);
      problems.push(...(await chartTextProblems(page)).map((p) => `after “${name}”: ${p}`));
    }
    expect([...new Set(problems)]).toEqual([]);
    await context.close();
  });
});
