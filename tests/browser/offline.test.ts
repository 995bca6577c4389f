// Offline after the first visit: the service worker precaches the site; with the
// network cut (context.setOffline), chapters still render and a live cell still
// trains in the worker (tfjs chunks, .wasm, data and base model from the cache).
import { expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { useSite } from './harness';

const site = useSite();
const dist = path.resolve(process.env.SITE_DIST || 'dist');

it('lists every file a chapter needs in the service worker', () => {
  const sw = readFileSync(path.join(dist, 'sw.js'), 'utf8');
  const manifest = JSON.parse(/const MANIFEST = (\[.*?\]);/s.exec(sw)![1]) as { url: string; revision: string }[];
  const urls = new Set(manifest.map((e) => e.url));
  for (const url of ['/', '/mlp/', '/rank/', '/models/base-mlp.bin', '/data/mnist-train.bin', '/data/mnist-test.bin',
    '/tfjs/tfjs-backend-wasm-simd.wasm', '/tfjs/tfjs-backend-wasm.wasm', '/pagefind/pagefind.js']) {
    expect(urls.has(url), url).toBe(true);
  }
  expect([...urls].some((u) => /^\/_astro\/engine\.worker.*\.js$/.test(u))).toBe(true);
  expect([...urls].some((u) => u.endsWith('.woff2'))).toBe(true);
  for (const e of manifest) expect(existsSync(path.join(dist, e.url.endsWith('/') ? `${e.url}index.html` : e.url)), e.url).toBe(true);
});

it('renders chapters and trains a live cell with the network cut', async () => {
  const { page, context, problems } = await site.open('/mlp/', { serviceWorkers: 'allow' });
  const status = page.locator('#offline-status');
  await expect.poll(() => status.textContent(), { timeout: 90_000 }).toMatch(/Offline-ready/);
  // `ready` (which the status line waits for) resolves when the worker is activating; it takes
  // control of this page a moment later (clients.claim() after pruning old caches).
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? null)).toBe('activated');
  // The host here sends no COOP/COEP: the first visit is not isolated; the service worker's copies are.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);

  await context.setOffline(true);
  const failedWhileOffline = (p: string) => !/request failed: .*(ERR_INTERNET_DISCONNECTED)/.test(p);
  await page.goto(`${site.origin}/mlp/?mt.steps=2`);
  expect(await page.locator('main h1').textContent()).toBeTruthy();
  await expect.poll(() => status.textContent()).toMatch(/You are offline\. Pages and live cells run from the copy saved/);
  expect(await page.evaluate(() => crossOriginIsolated), 'the service worker adds COOP/COEP').toBe(true);
  const cell = page.locator('mlp-train');
  await cell.scrollIntoViewIfNeeded();
  const out = (role: string) => cell.locator(`output[data-role="${role}"]`);
  await expect.poll(() => out('score').textContent(), { timeout: 60_000 }).toMatch(/% \(base model\)$/);
  await cell.locator('button[data-role="step"]').click();
  await expect.poll(() => out('progress').textContent(), { timeout: 60_000 }).toBe('1');
  expect(await out('backend').textContent()).toMatch(/WebAssembly|WebGL|WebGPU|CPU/);
  expect(await out('backend').textContent()).not.toMatch(/not cross-origin isolated/);

  // A chapter not opened before, and a page address without its trailing slash.
  await page.goto(`${site.origin}/rank/?par.r=5`);
  expect(await page.locator('main h1').textContent()).toMatch(/Rank/);
  await expect.poll(() => page.locator('param-count output[data-role="lora"]').textContent()).toBe('5 × 1,784 = 8,920');
  await page.goto(`${site.origin}/why-peft`);
  expect(await page.locator('main h1').count()).toBe(1);
  expect(problems.filter(failedWhileOffline)).toEqual([]);
  await context.close();
});
