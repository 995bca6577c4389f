// /rank/ spectrum cell: singular values computed in the worker, Eckart–Young error vs r.
import { describe, expect, it } from 'vitest';
import { useSite } from './harness';

const site = useSite();
const ERR = 'spectrum-cell output[data-role="error"]';
const pct = (s: string | null) => Number((s ?? '').replace('%', ''));

describe('/rank/ spectrum cell', () => {
  it('the digit: the error falls as r grows and is ~0 at full rank; the image is redrawn', async () => {
    const { page, context, problems } = await site.open('/rank/?spec.m=digit&spec.r=1');
    const cell = page.locator('spectrum-cell');
    await cell.scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator(ERR).textContent(), { timeout: 60_000 }).toMatch(/%$/);
    const e1 = pct(await page.locator(ERR).textContent());
    expect(e1).toBeGreaterThan(0);
    expect(e1).toBeLessThan(100);
    const before = await page.locator('spectrum-cell canvas[data-role="approx"]').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    const slider = page.getByRole('slider', { name: /singular values kept/i });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('spectrum-cell output[data-role="r"]').textContent()).toBe('3');
    const e3 = pct(await page.locator(ERR).textContent());
    expect(e3).toBeLessThan(e1);
    expect(await page.locator('spectrum-cell canvas[data-role="approx"]').evaluate((c: HTMLCanvasElement) => c.toDataURL())).not.toBe(before);
    expect(page.url()).toContain('spec.r=3');
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('spectrum-cell output[data-role="r"]').textContent()).toBe('28');
    expect(pct(await page.locator(ERR).textContent())).toBeLessThan(0.01);
    await expect.poll(() => page.locator('spectrum-cell [data-role="errors"] svg[role="img"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a weight matrix: layer 3 (10×2,000) has 10 singular values; a rank from the URL is clamped with a note', async () => {
    const { page, context, problems } = await site.open('/rank/?spec.m=w3&spec.r=50');
    await page.locator('spectrum-cell').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('spectrum-cell output[data-role="status"]').textContent(), { timeout: 60_000 }).toMatch(/10 singular values/);
    expect(await page.locator('spectrum-cell output[data-role="r"]').textContent()).toBe('10');
    expect(await page.locator('spectrum-cell .cell-msg').first().textContent()).toMatch(/at most 10 singular values/);
    expect(pct(await page.locator(ERR).textContent())).toBeLessThan(0.01);
    await page.locator('spectrum-cell input[data-key="r"]').fill('2');
    await expect.poll(async () => pct(await page.locator(ERR).textContent())).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    await context.close();
  });
});
