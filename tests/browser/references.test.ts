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
