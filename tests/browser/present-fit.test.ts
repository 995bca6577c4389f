// Presentation mode on a 1280×720 projector (issue 13, item 13): on every slide of every chapter,
// the slide's content fits the screen (scaled to it where it is taller) and ends above the slide bar,
// so the bar covers nothing; it stays legible (the slide is not shrunk below half size, chart labels'
// boxes stay at least 8 px tall on screen, about a 7 px font); and stepping through the slides shows every block of the
// chapter exactly once, in order.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sitePaths, useSite } from './harness';

const site = useSite();

interface SlideFit {
  bottom: number; right: number; left: number; top: number; barTop: number; height: number; width: number;
  /** The slide's scale (1: as laid out). */
  scale: number;
  /** The smallest chart text's box height on screen, px (about 1.15 × its font size; Infinity: no chart drawn). */
  label: number;
  /** Indexes (among <main>'s children) of the blocks shown. */
  shown: number[];
}

/** The visible slide's extent and the bar's top, in screen pixels. */
function measure(page: Page): Promise<SlideFit> {
  return page.evaluate(() => {
    const main = document.querySelector('main.page')!;
    const children = [...main.children];
    const on = children.filter((el) => el instanceof HTMLElement && getComputedStyle(el).display !== 'none' && !el.classList.contains('present-bar'));
    const rects = on.map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0);
    const t = getComputedStyle(main).transform;
    let label = Infinity;
    for (const el of on) for (const text of el.querySelectorAll('svg text')) {
      const r = text.getBoundingClientRect();
      if (r.height > 0 && text.textContent?.trim()) label = Math.min(label, r.height);
    }
    return {
      top: Math.min(...rects.map((r) => r.top)),
      bottom: Math.max(...rects.map((r) => r.bottom)),
      left: Math.min(...rects.map((r) => r.left)),
      right: Math.max(...rects.map((r) => r.right)),
      barTop: document.querySelector('.present-bar')!.getBoundingClientRect().top,
      height: innerHeight,
      width: document.documentElement.clientWidth,
      scale: t === 'none' ? 1 : new DOMMatrix(t).a,
      label,
      shown: on.filter((el) => (el as HTMLElement).getBoundingClientRect().height > 0 && el.tagName !== 'SCRIPT').map((el) => children.indexOf(el)),
    };
  });
}

describe('presentation mode at 1280×720', () => {
  for (const path of sitePaths().filter((p) => p !== '/')) {
    it(`every slide of ${path} fits the screen above the slide bar, legibly, and each block shows once`, async () => {
      const { page, context, problems } = await site.open(`${path}?present=1`, { width: 1280, height: 720 });
      const total = Number(/of (\d+)/.exec((await page.locator('.present-bar output').textContent()) ?? '')?.[1]);
      expect(total).toBeGreaterThan(1);
      const seen: number[] = [];
      for (let i = 1; i <= total; i++) {
        if (i > 1) await page.locator('.present-bar [data-role="next"]').click();
        await page.waitForTimeout(400); // let lazily started cells draw; the slide refits when they do
        await expect.poll(async () => {
          const m = await measure(page);
          return m.top >= -1 && m.bottom <= m.barTop + 1 && m.left >= -1 && m.right <= m.width + 1;
        }, { timeout: 10_000, message: `${path} slide ${i}: ${JSON.stringify(await measure(page))}` }).toBe(true);
        const m = await measure(page);
        expect(m.scale, `${path} slide ${i}: scale`).toBeGreaterThanOrEqual(0.5);
        expect(m.label, `${path} slide ${i}: smallest chart label`).toBeGreaterThanOrEqual(8);
        seen.push(...m.shown);
      }
      // Every block that belongs to a slide is shown once, in the chapter's order.
      const blocks: number[] = await page.evaluate(() => [...document.querySelector('main.page')!.children]
        .map((el, i) => (el.matches('.chapter-tools, .present-bar, .chapter-nav, script, style') ? -1 : i)).filter((i) => i >= 0));
      expect(seen).toEqual(blocks);
      expect(problems).toEqual([]);
      await context.close();
    }, 240_000);
  }
});
