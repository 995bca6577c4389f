// Presentation mode on a 1280×720 projector (issue 13, item 13): on every slide of every chapter,
// the slide's content fits the screen (scaled to it where it is taller) and ends above the slide bar,
// so the bar covers nothing. (Charts are drawn 1.5× larger in presentation mode; on slides that must
// shrink a lot to fit, their labels still end up small: see the issue.)
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sitePaths, useSite } from './harness';

const site = useSite();

interface SlideFit { bottom: number; right: number; left: number; top: number; barTop: number; height: number; width: number }

/** The visible slide's extent and the bar's top, in screen pixels. */
function measure(page: Page): Promise<SlideFit> {
  return page.evaluate(() => {
    const main = document.querySelector('main.page')!;
    const on = [...main.children].filter((el) => el instanceof HTMLElement && getComputedStyle(el).display !== 'none' && !el.classList.contains('present-bar'));
    const rects = on.map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0);
    return {
      top: Math.min(...rects.map((r) => r.top)),
      bottom: Math.max(...rects.map((r) => r.bottom)),
      left: Math.min(...rects.map((r) => r.left)),
      right: Math.max(...rects.map((r) => r.right)),
      barTop: document.querySelector('.present-bar')!.getBoundingClientRect().top,
      height: innerHeight,
      width: document.documentElement.clientWidth,
    };
  });
}

describe('presentation mode at 1280×720', () => {
  for (const path of sitePaths().filter((p) => p !== '/')) {
    it(`every slide of ${path} fits the screen above the slide bar`, async () => {
      const { page, context, problems } = await site.open(`${path}?present=1`, { width: 1280, height: 720 });
      const total = Number(/of (\d+)/.exec((await page.locator('.present-bar output').textContent()) ?? '')?.[1]);
      expect(total).toBeGreaterThan(1);
      for (let i = 1; i <= total; i++) {
        if (i > 1) await page.locator('.present-bar [data-role="next"]').click();
        await page.waitForTimeout(400); // let lazily started cells draw; the slide refits when they do
        await expect.poll(async () => {
          const m = await measure(page);
          return m.top >= -1 && m.bottom <= m.barTop + 1 && m.left >= -1 && m.right <= m.width + 1;
        }, { timeout: 10_000, message: `${path} slide ${i}: ${JSON.stringify(await measure(page))}` }).toBe(true);
      }
      expect(problems).toEqual([]);
      await context.close();
    }, 240_000);
  }
});
