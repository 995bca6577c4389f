// A test-only page that runs engine code in a Web Worker, as the site's worker
// does, without a site build: esbuild bundles a worker entry (e.g.
// tests/browser/backends-page/worker.ts) into a temporary folder with a blank
// page, tfjs's .wasm files and the site's digit files, and serveDir() serves
// it. The worker answers one request per page: `window.runEngine(request)`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serveDir, type Served } from './server';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>engine test page</title>
<link rel="icon" href="data:,"></head><body><p>Engine test page (tests/browser/engine-page.ts).</p>
<script type="module">
window.runEngine = (request) => new Promise((resolve, reject) => {
  const worker = new Worker('/worker.js', { type: 'module' });
  worker.onmessage = (e) => {
    worker.terminate();
    if (e.data.kind === 'done') resolve(e.data.result); else reject(new Error(e.data.message));
  };
  worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message || 'worker failed')); };
  worker.postMessage(request);
});
</script></body></html>`;

export interface EnginePage {
  origin: string;
  /** Runs one request in a fresh page and worker; returns what the worker answered, and what the page logged as errors. */
  run<T>(browser: Browser, request: unknown): Promise<{ result: T; errors: string[] }>;
  close(): Promise<void>;
}

export async function serveEnginePage(entry: string): Promise<EnginePage> {
  const root = path.resolve('.');
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-page-'));
  await build({
    entryPoints: [path.resolve(entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'worker.js'),
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(path.join(dir, 'index.html'), PAGE);
  const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  mkdirSync(path.join(dir, 'tfjs'));
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasmDir, f), path.join(dir, 'tfjs', f));
  mkdirSync(path.join(dir, 'data'));
  const dataFile = path.join(root, 'public', 'data', 'mnist-train.bin');
  if (!existsSync(dataFile)) throw new Error(`${dataFile} is missing: run \`npm run data\` first`);
  copyFileSync(dataFile, path.join(dir, 'data', 'mnist-train.bin'));
  const served: Served = await serveDir(dir);
  return {
    origin: served.origin,
    async run<T>(browser: Browser, request: unknown) {
      const context = await browser.newContext();
      const page: Page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      try {
        await page.goto(`${served.origin}/`);
        const result = (await page.evaluate((r) => (window as unknown as { runEngine(r: unknown): Promise<unknown> }).runEngine(r), request)) as T;
        return { result, errors };
      } finally {
        await context.close();
      }
    },
    async close() {
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
