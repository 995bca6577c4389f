// Reader features: search across chapters (Pagefind, loaded only on first use),
// internal links and anchors that resolve (glossary terms, citations, contents),
// and phone-sized touch targets.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { useSite, sitePaths } from './harness';

const site = useSite();
const dist = path.resolve(process.env.SITE_DIST || 'dist');

describe('search', () => {
  it('loads its index only when used, and finds chapters by their words', async () => {
    const { page, context, problems } = await site.open('/');
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.waitForTimeout(300);
    expect(requested.filter((u) => u.startsWith('/pagefind/'))).toEqual([]);
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.fill('outer product');
    const results = page.locator('.search-results > li');
    await expect.poll(() => results.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(requested.some((u) => u === '/pagefind/pagefind.js')).toBe(true);
    const first = results.first().locator('a.result-title');
    expect(await first.getAttribute('href')).toBe('/rank/');
    expect(await page.locator('.search-status').textContent()).toMatch(/match(es)? “outer product”/);
    expect(await results.first().locator('mark').count()).toBeGreaterThan(0);
    // Keyboard: down into the results, Enter follows the link.
    await box.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(await first.textContent());
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/rank\/$/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says so when nothing matches, and Escape closes the results', async () => {
    const { page, context, problems } = await site.open('/mlp/');
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.fill('жжж'); // no word on the site starts with this letter
    await expect.poll(() => page.locator('.search-status').textContent(), { timeout: 20_000 }).toBe('No chapter mentions “жжж”.');
    await box.press('Escape');
    expect(await page.locator('.search-panel').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });
});

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];
function walk(node: Node, fn: (el: Element) => void): void {
  if ('tagName' in node) fn(node as Element);
  const kids = 'content' in node && node.content ? node.content.childNodes : 'childNodes' in node ? node.childNodes : [];
  for (const k of kids) walk(k, fn);
}
const attr = (el: Element, n: string) => el.attrs.find((a) => a.name === n)?.value;

describe('links', () => {
  // Parsed from the built HTML: every same-site link goes to a built page, and every #anchor exists there.
  const pages = new Map<string, { ids: Set<string>; links: string[] }>();
  for (const p of sitePaths()) {
    const html = readFileSync(path.join(dist, p, 'index.html'), 'utf8');
    const ids = new Set<string>();
    const links: string[] = [];
    walk(parse(html), (el) => {
      const id = attr(el, 'id');
      if (id) ids.add(id);
      const href = el.tagName === 'a' ? attr(el, 'href') : undefined;
      if (href !== undefined) links.push(href);
    });
    pages.set(p, { ids, links });
  }

  it.each(sitePaths())('%s links only to pages and anchors that exist', (p) => {
    const broken: string[] = [];
    for (const href of pages.get(p)!.links) {
      const u = new URL(href, `http://site${p}`);
      if (u.host !== 'site') continue; // papers and other sites: links, never requests
      const target = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
      const page = pages.get(target);
      const isFile = /\.[a-z0-9]+$/i.test(u.pathname);
      if (!page && !isFile) broken.push(`${href} (no such page)`);
      else if (page && u.hash && !page.ids.has(decodeURIComponent(u.hash.slice(1)))) broken.push(`${href} (no such anchor)`);
    }
    expect(broken).toEqual([]);
  });
});

describe('phones', () => {
  it.each(sitePaths().filter((p) => p !== '/'))('%s gives sliders a 44 px touch target at 375 px', async (p) => {
    const { page, context } = await site.open(p, { width: 375, height: 800 });
    const small = await page.locator('main input[type="range"]').evaluateAll((els) => els
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => ({ id: e.id || (e as HTMLInputElement).dataset.key || e.outerHTML.slice(0, 60), h: e.getBoundingClientRect().height }))
      .filter((x) => x.h < 44));
    expect(small).toEqual([]);
    // Presentation mode on a phone: no horizontal overflow either.
    await page.getByLabel('Presentation mode').check();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(scroll).toBeLessThanOrEqual(client);
    await context.close();
  });
});
