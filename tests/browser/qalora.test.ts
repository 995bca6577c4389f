// The /qa-lora/ comparison cell: both adapters trained briefly, both merged; only QA-LoRA stays on the grid.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite } from './harness';

const site = useSite();
const C = 'qalora-compare';
const out = (page: Page, role: string) => page.locator(`${C} output[data-role="${role}"]`);
const percent = (text: string | null) => Number(/([\d.]+)%/.exec(text ?? '')?.[1]);

describe('/qa-lora/ merge comparison', () => {
  it('shows per-layer group sizes for the chosen target before anything runs', async () => {
    const { page, context, problems } = await site.open('/qa-lora/');
    await page.locator(C).scrollIntoViewIfNeeded();
    expect(await out(page, 'groups').textContent()).toBe('28, 25, 25');
    await page.locator(`${C} select[data-key="group"]`).selectOption('16');
    await expect.poll(() => out(page, 'groups').textContent()).toBe('16, 10, 16');
    expect(page.url()).toContain('qc.group=16');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('trains both adapters, merges both, and reports accuracy before and after with the grid check', async () => {
    const { page, context, problems } = await site.open('/qa-lora/?qc.task=rotated&qc.group=8&qc.steps=5&qc.rank=4');
    await page.locator(C).scrollIntoViewIfNeeded();
    await page.locator(`${C} button[data-role="run"]`).click();
    await expect.poll(() => out(page, 'qa-after').textContent(), { timeout: 150_000 }).not.toBe('—');
    for (const role of ['lora-before', 'lora-after', 'qa-before', 'qa-after', 'fp32', 'quant']) {
      const p = percent(await out(page, role).textContent());
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(100);
    }
    expect(await out(page, 'qa-after').textContent()).toMatch(/\(no change\)$/);
    expect(await out(page, 'qa-grid').textContent()).toMatch(/^Yes: all 2,804,000 on the grid/);
    expect(await out(page, 'lora-grid').textContent()).toMatch(/^No: [\d,]+ of 2,804,000 merged weights/);
    // LoRA r·(k + d) per layer vs QA-LoRA r·(k/g + d): 4·(1784 + 3000 + 2010) and 4·(98 + 1000 + 125 + 2000 + 250 + 10).
    expect(await out(page, 'lora-params').textContent()).toBe('27,176');
    expect(await out(page, 'qa-params').textContent()).toBe('13,932');
    await expect.poll(() => out(page, 'status').textContent()).toMatch(/^Done\./);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
