// Every page carries a Content-Security-Policy <meta> tag without 'unsafe-eval',
// placed before any script it governs, and runs under it: no 'securitypolicyviolation'
// event and no CSP console message while the page's cells start and compute.
import { describe, expect, it } from 'vitest';
import { useSite, scrollThrough, sitePaths } from './harness';

const site = useSite();

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    map.set(name.toLowerCase(), values);
  }
  return map;
}

describe.each(sitePaths())('%s', (path) => {
  it('runs under a strict Content-Security-Policy with no violations', async () => {
    // A fresh context that records violations from the first script on.
    const ctx = await site.browser.newContext({ serviceWorkers: 'block' });
    await ctx.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
    const p = await ctx.newPage();
    const consoleCsp: string[] = [];
    p.on('console', (m) => { if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) consoleCsp.push(m.text()); });
    await p.goto(site.origin + path, { waitUntil: 'load' });

    const meta = await p.evaluate(() => {
      const el = document.querySelector('meta[http-equiv="content-security-policy" i]');
      const first = document.querySelector('script');
      return {
        policy: el?.getAttribute('content') ?? null,
        count: document.querySelectorAll('meta[http-equiv="content-security-policy" i]').length,
        // The policy governs only what comes after it in the document.
        beforeFirstScript: !!el && !!first && !!(el.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING),
      };
    });
    expect(meta.count).toBe(1);
    expect(meta.beforeFirstScript).toBe(true);
    const policy = meta.policy!;
    const d = directives(policy);
    expect([...d.values()].flat()).not.toContain("'unsafe-eval'"); // 'wasm-unsafe-eval' is fine
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toContain("'self'");
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
    expect(d.get('worker-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);

    await scrollThrough(p);
    await p.waitForTimeout(500);
    const violations = await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    expect(violations).toEqual([]);
    expect(consoleCsp).toEqual([]);
    await ctx.close();
  });
});
