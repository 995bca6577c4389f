// The fast path's products on helper threads, in Chromium, on tfjs's own threaded WASM build: a cross-origin
// isolated page (COOP/COEP) gives tfjs a shared memory, and training the site's network (784→1000→2000→10,
// batch 64; LoRA r = 4 and full fine-tuning) with 1, 2 and 3 threads gives the same losses and the same weights,
// bit for bit. Without isolation the memory is not shared and the products stay on one thread.
// Needs no built site: the worker is bundled with esbuild and served by the benchmark's server.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { bundleWorker, serve } from '../../scripts/bench-browser';

interface Run {
  n: number;
  threads: { threads: number; started: number; oneThreadBecause: string | null } | null;
  helperBlocks: number;
  lora: { losses: number[]; fingerprint: string };
  full: { losses: number[]; fingerprint: string };
}
interface Result { backend: string; isolated: boolean; sharedMemory: boolean; runs: Run[] }

let browser: Browser;
let workerJs: string;

beforeAll(async () => {
  workerJs = await bundleWorker(path.resolve(__dirname, 'fixtures', 'fast-threads-worker.ts'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => browser?.close());

async function run(isolated: boolean, threads: number[], steps: number): Promise<{ result: Result; problems: string[] }> {
  const server = await serve(workerJs, isolated);
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  try {
    await page.goto(`${server.origin}/`);
    const out = (await page.evaluate((r) => (window as unknown as { runBench(r: unknown): Promise<{ result: Result }> }).runBench(r), { threads, steps })) as { result: Result };
    return { result: out.result, problems };
  } finally {
    await context.close();
    await server.close();
  }
}

describe('fast path threads in Chromium', () => {
  it('cross-origin isolated: 1, 2 and 3 threads train to the same bits, and the helpers do take blocks', async () => {
    const { result, problems } = await run(true, [1, 2, 3], 4);
    expect(problems).toEqual([]);
    expect(result.backend).toBe('wasm');
    expect(result.isolated).toBe(true);
    expect(result.sharedMemory).toBe(true);
    const [one, ...more] = result.runs;
    expect(one.threads).toMatchObject({ threads: 1, started: 1 });
    for (const r of more) {
      expect(r.threads, `${r.n} threads`).toMatchObject({ threads: r.n, started: r.n, oneThreadBecause: null });
      expect(r.helperBlocks, `${r.n} threads`).toBeGreaterThan(0);
      expect(r.lora, `${r.n} threads, LoRA`).toEqual(one.lora);
      expect(r.full, `${r.n} threads, full fine-tuning`).toEqual(one.full);
    }
    expect(one.lora.losses.every(Number.isFinite)).toBe(true);
  }, 300_000); // the worker waits up to 60 s for each pool's helpers to start (a busy CI machine), then trains

  it('not isolated: one thread, and it says why', async () => {
    const { result, problems } = await run(false, [2], 2);
    expect(problems).toEqual([]);
    expect(result.sharedMemory).toBe(false);
    expect(result.runs[0].threads).toEqual({ threads: 1, started: 1, oneThreadBecause: 'this page is not cross-origin isolated' });
  });
});
