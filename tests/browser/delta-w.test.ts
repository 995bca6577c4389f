// /delta-w/: train a few steps on one layer; ΔW grows, its rank stays ≤ r; merging changes the logits by ~1e-6.
import { describe, expect, it } from 'vitest';
import { useSite } from './harness';

const site = useSite();
const out = (role: string) => `delta-w-cell output[data-role="${role}"]`;

describe('/delta-w/ cell', () => {
  it('ΔW = 0 before training; after a few steps ‖ΔW‖ > 0 and rank ≤ r; merged and unmerged agree', async () => {
    const { page, context, problems } = await site.open('/delta-w/?dw.steps=6&dw.r=2&dw.layer=3');
    await page.locator('delta-w-cell').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator(out('rank')).textContent(), { timeout: 60_000 }).toBe('0 (B = 0) ≤ r = 2');
    expect(await page.locator(out('norm')).textContent()).toMatch(/^0 \(/);
    await expect.poll(() => page.locator('delta-w-cell [data-role="heat-w0"] svg').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => page.locator(out('progress')).textContent(), { timeout: 90_000 }).toMatch(/^Trained at step 6/);
    expect(await page.locator(out('step')).textContent()).toBe('6');
    const rank = await page.locator(out('rank')).textContent();
    const m = /^(\d+) ≤ r = 2$/.exec(rank ?? '');
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1);
    expect(Number(m![1])).toBeLessThanOrEqual(2);
    const norm = Number((await page.locator(out('norm')).textContent())!.split(' ')[0]);
    expect(norm).toBeGreaterThan(0);
    expect((await page.locator(out('sigma')).textContent())!.split(',').length).toBe(2);

    await page.getByRole('button', { name: 'Merge and compare' }).click();
    await expect.poll(() => page.locator(out('progress')).textContent(), { timeout: 90_000 }).toMatch(/^Merged and compared/);
    const diff = Number((await page.locator(out('diff')).textContent())!.split(' ')[0]);
    expect(diff).toBeLessThan(1e-3);
    expect(await page.locator(out('merged-ms')).textContent()).toMatch(/ms$/);
    expect(await page.locator(out('unmerged-ms')).textContent()).toMatch(/ms$/);

    // Reset brings ΔW back to zero.
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => page.locator(out('rank')).textContent()).toBe('0 (B = 0) ≤ r = 2');
    expect(page.url()).toContain('dw.r=2');
    expect(problems).toEqual([]);
    await context.close();
  });
});
