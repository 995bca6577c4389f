// Every chapter ends with its References, and every in-text citation links to an entry there
// (issue 19). Chapters are read from content/, so a new chapter is checked without editing this file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { useSite } from './harness';

const site = useSite();
const chapters = readdirSync(join(__dirname, '../../content')).filter((f) => f.endsWith('.mdx')).map((f) => f.replace(/\.mdx$/, ''));

it.each(chapters)('/%s/ ends with References that every citation links to', async (slug) => {
  const { page, context } = await site.open(`/${slug}/`);
  const refs = page.locator('section.references');
  await expect(refs.getByRole('heading', { name: 'References' }).count()).resolves.toBe(1);
  const entries = await refs.locator('li').evaluateAll((lis) => lis.map((li) => ({ id: li.id, link: li.querySelector('a')?.getAttribute('href') ?? '' })));
  expect(entries.length).toBeGreaterThan(0);
  for (const e of entries) expect(e.link).toMatch(/^https:\/\//);
  const targets = await page.locator('a.cite, .cite a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  expect(targets.length).toBeGreaterThan(0);
  for (const t of targets) expect(entries.map((e) => `#${e.id}`)).toContain(t);
  // The References come after the chapter's text, before the previous/next links.
  const order = await page.evaluate(() => {
    const r = document.querySelector('section.references');
    const last = [...document.querySelectorAll('main p')].filter((p) => !p.closest('section.references') && !p.closest('nav')).pop();
    return r && last ? Boolean(last.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING) : false;
  });
  expect(order).toBe(true);
  await context.close();
});

// Blocks far from the screen are skipped (content-visibility: auto, src/styles/global.css) to keep a long
// chapter's load short; a link into the middle or end of such a chapter must still land on its target.
it('a long chapter skips far blocks at load, and links to a heading or a reference still land in view', async () => {
  const { page, context } = await site.open('/which-rank/', { width: 412, height: 823 });
  const skipped = await page.locator('section.references li').first().evaluate((el) => !el.checkVisibility({ contentVisibilityAuto: true }));
  expect(skipped).toBe(true);
  const heading = await page.locator('main h2').last().getAttribute('id');
  const reference = await page.locator('section.references li').last().getAttribute('id');
  for (const id of [heading, reference]) {
    await page.goto('about:blank'); // a fresh load, as from another chapter's link
    await page.goto(`${site.origin}/which-rank/#${id}`);
    await page.waitForTimeout(500); // fonts and late cells settle
    const top = await page.locator(`[id="${id}"]`).evaluate((el) => el.getBoundingClientRect().top);
    expect(top, `#${id}`).toBeGreaterThanOrEqual(-1);
    expect(top, `#${id}`).toBeLessThan(823 / 2);
  }
  // An in-text citation link scrolls its reference into view.
  await page.goto(`${site.origin}/which-rank/`);
  const cite = page.locator('a.cite, .cite a').first();
  const target = (await cite.getAttribute('href'))!;
  await cite.click();
  await expect.poll(() => page.locator(target).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= -1 && r.bottom <= innerHeight + 1;
  })).toBe(true);
  await context.close();
});
