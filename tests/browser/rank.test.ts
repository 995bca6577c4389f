// The /rank/ chapter's live cells, driven by keyboard and URL.
import { describe, expect, it } from 'vitest';
import { useSite } from './harness';

const site = useSite();
const RANK = 'matrix-rank output[data-role="rank"]';
const cell = (r: number, c: number) => `matrix-rank input[aria-label="Row ${r}, column ${c}"]`;

describe('/rank/ matrix cell', () => {
  it('reads 1 for the rank-1 preset and 2 after a keyboard edit', async () => {
    const { page, context, problems } = await site.open('/rank/');
    await page.locator('matrix-rank').scrollIntoViewIfNeeded();
    await page.getByRole('button', { name: 'Rank-1 outer product' }).click();
    await expect.poll(() => page.locator(RANK).textContent()).toBe('1');
    await page.locator(cell(1, 1)).focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.locator(RANK).textContent()).toBe('2');
    expect(page.url()).toContain('mat.m=');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('names a bad cell, shows no NaN, and the rest of the page keeps working', async () => {
    const { page, context, problems } = await site.open('/rank/');
    await page.locator('matrix-rank').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator(RANK).textContent()).toBe('2');
    await page.locator(cell(2, 2)).fill('abc');
    const msg = page.locator('matrix-rank .cell-msg[data-tone="error"]');
    await expect.poll(() => msg.textContent()).toMatch(/Row 2, column 2 holds “abc”, which is not a number/);
    expect(await page.locator(RANK).textContent()).toBe('—');
    expect(await page.locator(cell(2, 2)).getAttribute('aria-invalid')).toBe('true');
    await page.locator(cell(2, 2)).fill('1e400');
    await expect.poll(() => msg.textContent()).toMatch(/Row 2, column 2 is too large/);
    await page.locator(cell(1, 3)).fill('');
    await expect.poll(() => msg.textContent()).toMatch(/Row 1, column 3 is empty/);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    // The other cell still responds.
    await page.getByLabel(/rank/i).first().focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('param-count output[data-role="r"]').textContent()).toBe('5');
    // Fixing the entries brings the rank back.
    await page.locator(cell(2, 2)).fill('5');
    await page.locator(cell(1, 3)).fill('3');
    await expect.poll(() => page.locator(RANK).textContent()).toBe('2');
    expect(await msg.count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reproduces a matrix from the URL and explains repaired values', async () => {
    const { page, context } = await site.open('/rank/?mat.rows=2&mat.cols=4&mat.m=1,2,3,4;2,4,6,8');
    await page.locator('matrix-rank').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator(RANK).textContent()).toBe('1');
    expect(await page.locator(cell(2, 4)).inputValue()).toBe('8');
    expect(await page.locator('matrix-rank select[data-role="cols"]').inputValue()).toBe('4');
    expect(await page.locator('matrix-rank tr.dependent').count()).toBe(1);
    await context.close();

    const bad = await site.open('/rank/?mat.rows=9&mat.m=1,2;3,4');
    await bad.page.locator('matrix-rank').scrollIntoViewIfNeeded();
    const note = bad.page.locator('matrix-rank .cell-msg[data-msg="url"]');
    await expect.poll(() => note.textContent()).toMatch(/Rows: 9 is above the maximum 6; using 6/);
    expect(await bad.page.locator('matrix-rank select[data-role="rows"]').inputValue()).toBe('6');
    expect(bad.page.url()).toContain('mat.rows=6');
    await bad.context.close();
  });
});

describe('/rank/ parameter cell', () => {
  it('changes the parameter count when the rank slider moves by keyboard', async () => {
    const { page, context, problems } = await site.open('/rank/');
    const slider = page.getByRole('slider', { name: /rank/i });
    await slider.scrollIntoViewIfNeeded();
    const lora = page.locator('param-count output[data-role="lora"]');
    expect(await page.locator('param-count output[data-role="full"]').textContent()).toBe('784,000');
    await expect.poll(() => lora.textContent()).toBe('4 × 1,784 = 7,136');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => lora.textContent()).toBe('6 × 1,784 = 10,704');
    expect(await page.locator('param-count output[data-role="ratio"]').textContent()).toMatch(/^1\.4% of the full matrix \(73×/);
    expect(page.url()).toContain('par.r=6');
    await expect.poll(() => page.locator('param-count [data-role="chart"] svg[role="img"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
