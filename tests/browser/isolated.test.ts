// The site served cross-origin isolated (COOP same-origin + COEP require-corp, as a host that turns
// isolation on sends them, and as the service worker adds them from the second visit). tfjs then runs
// its threaded WebAssembly build; before the fix in src/site/tfjs-threads.ts every engine cell died
// here ("ReferenceError: e is not defined" in each thread). One page load per chapter: every cell
// that starts on view starts, and one training cell of each engine job family trains a few steps,
// with no console error anywhere (page, engine worker, WebAssembly threads), no NaN.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite, scrollThrough, sitePaths } from './harness';

const site = useSite({ isolated: true });

interface Run {
  /** Small settings in the address, so the run is short. */
  query: string;
  /** The engine job family the run exercises (src/worker/jobs/<family>.ts). */
  family: string;
  run(page: Page): Promise<void>;
}

const LONG = { timeout: 120_000 };
const percent = (text: string | null) => Number(/([\d.]+)%/.exec(text ?? '')?.[1]);
const output = (page: Page, cell: string, role: string) => page.locator(`${cell} output[data-role="${role}"]`);
async function press(page: Page, cell: string, role: string): Promise<void> {
  const button = page.locator(`${cell} button[data-role="${role}"]`);
  await button.scrollIntoViewIfNeeded();
  await expect.poll(() => button.isEnabled(), LONG).toBe(true);
  await button.click();
}

// One training (or timing) cell per job family; /rank/'s spectrum (family spectrum) and /qlora/'s
// quantizer cells (family qlora) compute on view, so the scroll runs them.
const RUNS: Record<string, Run> = {
  '/mlp/': {
    query: '?mt.steps=20', family: 'lora',
    async run(page) {
      // Train improves the accuracy on the 4s, as without isolation (mlp.test.ts).
      const score = output(page, 'mlp-train', 'score');
      await expect.poll(() => score.textContent(), LONG).toMatch(/% \(base model\)$/);
      const base = percent(await score.textContent());
      await press(page, 'mlp-train', 'train');
      await expect.poll(() => output(page, 'mlp-train', 'progress').textContent(), LONG).toBe('20');
      await expect.poll(() => score.textContent(), LONG).not.toMatch(/base model/);
      expect(percent(await score.textContent())).toBeGreaterThan(base);
    },
  },
  '/intrinsic-dimension/': {
    query: '?id.d=50&id.steps=20', family: 'intrinsic',
    async run(page) {
      await press(page, 'intrinsic-run', 'train');
      await expect.poll(() => output(page, 'intrinsic-run', 'accuracy').textContent(), LONG).toMatch(/^\d+(\.\d)?%$/);
    },
  },
  '/delta-w/': {
    query: '?dw.steps=3&dw.r=2', family: 'delta-w',
    async run(page) {
      await press(page, 'delta-w-cell', 'train');
      await expect.poll(() => output(page, 'delta-w-cell', 'progress').textContent(), LONG).toMatch(/^Trained at step 3 on WebAssembly, \d+ threads?/);
    },
  },
  '/alpha-r/': {
    query: '?al.steps=4', family: 'alphar',
    async run(page) {
      await press(page, 'alpha-slider', 'run');
      await expect.poll(() => output(page, 'alpha-slider', 'progress').textContent(), LONG).toMatch(/done/);
    },
  },
  '/merge-and-switch/': {
    query: '?ml.steps=25&ml.repeats=10', family: 'merge',
    async run(page) {
      await press(page, 'merge-latency', 'run');
      await expect.poll(() => output(page, 'merge-latency', 'progress').textContent(), LONG).toMatch(/^Done/);
    },
  },
  '/qa-lora/': {
    query: '?qc.task=rotated&qc.group=8&qc.steps=5&qc.rank=4', family: 'qlora (QA-LoRA training)',
    async run(page) {
      await press(page, 'qalora-compare', 'run');
      await expect.poll(() => output(page, 'qalora-compare', 'qa-after').textContent(), LONG).not.toBe('—');
    },
  },
  '/which-rank/': {
    query: '?rs.ranks=1&rs.tasks=rotated&rs.steps=25', family: 'whichrank',
    async run(page) {
      await press(page, 'rank-sweep', 'run');
      await expect.poll(() => output(page, 'rank-sweep', 'progress').textContent(), LONG).toMatch(/^Done: 1 run/);
    },
  },
  '/why-peft/': {
    query: '?lat.samples=5', family: 'peft',
    async run(page) {
      await press(page, 'latency-cell', 'run');
      await expect.poll(() => output(page, 'latency-cell', 'progress').textContent(), LONG).toMatch(/^Measured on /);
    },
  },
};

describe('served cross-origin isolated (COOP/COEP)', () => {
  it('/mlp/: the engine runs tfjs on every core (more than one thread) and trains (job family lora)', async () => {
    const { page, context, problems } = await site.open(`/mlp/${RUNS['/mlp/'].query}`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const cell = page.locator('mlp-train');
    await cell.scrollIntoViewIfNeeded();
    const backend = output(page, 'mlp-train', 'backend');
    // Fails fast when the engine dies (the old crash) instead of waiting out the timeout.
    await expect.poll(async () => problems.length > 0 || /^(WebAssembly|WebGL|WebGPU)/.test((await backend.textContent()) ?? ''), LONG).toBe(true);
    expect(problems).toEqual([]);
    if ((await backend.textContent())!.startsWith('WebAssembly')) {
      // Every core, up to tfjs's pool of 8 (tfjs alone would take half: 1 thread on 2 cores).
      const expected = Math.min(cores, 8);
      expect(await backend.textContent()).toBe(expected > 1 ? `WebAssembly, ${expected} threads` : 'WebAssembly, 1 thread: this device reports one core');
    }
    await RUNS['/mlp/'].run(page);
    await scrollThrough(page);
    await page.waitForTimeout(300);
    expect(problems).toEqual([]);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    await context.close();
  });

  // /mlp/ is the test above (one page load per chapter).
  describe.each(sitePaths().filter((p) => p !== '/mlp/'))('%s', (path) => {
    const run = RUNS[path];
    it(run ? `loads with no console error, and trains (job family ${run.family})` : 'loads with no console error', async () => {
      const { page, context, problems } = await site.open(path + (run?.query ?? ''));
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await scrollThrough(page);
      if (run) {
        await run.run(page);
        // Every training cell's backend line names the threads (the engine started with the run).
        const lines = await page.locator('engine-backend output').allTextContents();
        for (const line of lines) expect(line).toMatch(/^(WebAssembly, \d+ threads?|WebGL|WebGPU)/);
        expect(lines.join(' ')).not.toMatch(/not cross-origin isolated/);
      }
      await page.waitForTimeout(300);
      expect(problems).toEqual([]);
      expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
      await context.close();
    });
  });
});
