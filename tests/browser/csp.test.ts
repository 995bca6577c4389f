// Every built page carries one Content-Security-Policy <meta> tag, before any
// script it governs, without 'unsafe-eval' or inline scripts beyond hashed ones.
// That pages RUN under it without violations is checked wherever a page is opened:
// the harness reports every 'securitypolicyviolation' event and CSP console error
// as a problem, and site.test.ts scrolls every page so all its cells start.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { useSite, sitePaths } from './harness';

const site = useSite();
const dist = path.resolve(process.env.SITE_DIST || 'dist');
type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function elements(html: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    if ('tagName' in n) out.push(n as Element);
    const kids = 'content' in n && n.content ? n.content.childNodes : 'childNodes' in n ? n.childNodes : [];
    kids.forEach(walk);
  };
  walk(parse(html));
  return out;
}
const attr = (el: Element, n: string) => el.attrs.find((a) => a.name === n)?.value;

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';').map((x) => x.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    map.set(name.toLowerCase(), values);
  }
  return map;
}

describe.each(sitePaths())('%s', (p) => {
  it('has a strict Content-Security-Policy before its first script', () => {
    const els = elements(readFileSync(path.join(dist, p, 'index.html'), 'utf8'));
    const metas = els.filter((e) => e.tagName === 'meta' && attr(e, 'http-equiv')?.toLowerCase() === 'content-security-policy');
    expect(metas).toHaveLength(1);
    const i = els.indexOf(metas[0]);
    const firstScript = els.findIndex((e) => e.tagName === 'script');
    expect(firstScript).toBeGreaterThan(i); // a policy governs only what follows it
    const d = directives(attr(metas[0], 'content')!);
    expect([...d.values()].flat()).not.toContain("'unsafe-eval'"); // 'wasm-unsafe-eval' is allowed
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')?.slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('script-src')!.slice(2).every((v) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(v))).toBe(true);
    expect(d.get('worker-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    // Inline scripts must each be allowed by a hash (so none is silently blocked).
    const inline = els.filter((e) => e.tagName === 'script' && !attr(e, 'src'));
    expect(inline.length).toBeLessThanOrEqual(d.get('script-src')!.length - 2);
  });
});

it('reports a violation when a page breaks its policy (the check can fail)', async () => {
  const { page, context, problems } = await site.open('/');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = 1';
    document.body.append(s);
  });
  await expect.poll(() => problems.join('\n')).toMatch(/CSP violation: script-src-elem blocked inline/);
  expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
  await context.close();
});
