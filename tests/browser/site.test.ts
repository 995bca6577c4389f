// Every page: loads with no console errors (CSP violations included), failed or off-site requests, no NaN;
// no serious/critical axe violations in light and dark; no horizontal overflow at 375 px.
import { describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { useSite, scrollThrough, sitePaths } from './harness';

const site = useSite();

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.each(sitePaths())('%s', (path) => {
  // One page load for the three checks (a page's cells start only once): clean load, light, then dark.
  it('loads cleanly, never shows NaN, and has no serious accessibility violations in light or dark', async () => {
    const { page, context, problems } = await site.open(path, { colorScheme: 'light' });
    await scrollThrough(page);
    await page.waitForTimeout(300);
    expect(problems).toEqual([]);
    expect(await page.locator('main h1').count()).toBe(1);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    expect(await seriousViolations(page), 'light').toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
    await page.waitForTimeout(300); // charts redraw in the dark theme's colours
    expect(await seriousViolations(page), 'dark').toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('does not overflow horizontally at 375 px', async () => {
    const { page, context } = await site.open(path, { width: 375, height: 800 });
    await scrollThrough(page);
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(client);
    await context.close();
  });
});
