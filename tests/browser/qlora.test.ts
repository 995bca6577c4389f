// The /qlora/ chapter's live cells: the quantized layer (error follows data type and block size),
// the accuracy sweep (streams, stops), a short QLoRA run, and URL state with repaired values.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();
const H = 'quant-histogram';
const A = 'quant-accuracy';
const T = 'qlora-train';
const out = (page: Page, cell: string, role: string) => page.locator(`${cell} output[data-role="${role}"]`);
const percent = (text: string | null) => Number(/([\d.]+)%/.exec(text ?? '')?.[1]);
const filled = async (page: Page, cell: string, role: string) => {
  await expect.poll(() => out(page, cell, role).textContent(), { timeout: 60_000 }).not.toBe('—');
  return out(page, cell, role).textContent();
};

describe('/qlora/ quantized layer', () => {
  it('shows a different error for another data type and a larger one for a bigger block', async () => {
    const { page, context, problems } = await site.openCell('/qlora/', H);
    const nf4 = percent(await filled(page, H, 'rel'));
    expect(nf4).toBeGreaterThan(0);
    expect(await out(page, H, 'levels').textContent()).toMatch(/^−1, −0\.6962, .*, 0, 0\.0796, .*, 1$/);
    expect(await out(page, H, 'bits').textContent()).toMatch(/^4\.5 /);
    await page.locator(`${H} select[data-key="format"]`).selectOption('INT4');
    await expect.poll(async () => percent(await out(page, H, 'rel').textContent()), { timeout: 60_000 }).not.toBe(nf4);
    const int4 = percent(await out(page, H, 'rel').textContent());
    await page.locator(`${H} select[data-key="block"]`).selectOption('tensor');
    await expect.poll(async () => percent(await out(page, H, 'rel').textContent()), { timeout: 60_000 }).toBeGreaterThan(int4);
    expect(await out(page, H, 'blocks').textContent()).toMatch(/^1 of 784,000 weights/);
    expect(page.url()).toContain('qh.format=INT4');
    expect(page.url()).toContain('qh.block=tensor');
    await expect.poll(() => page.locator(`${H} svg[role="img"]`).count()).toBe(2);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    await expectNoProblemsAndClose(problems, context);
  });

  it('repairs bad values in the link and says so', async () => {
    const { page, context, problems } = await site.openCell('/qlora/?qh.block=99&ql.rank=500&ql.steps=abc', H);
    await expect.poll(() => page.locator(`${H} .cell-msg[data-msg="url"]`).textContent()).toMatch(/Block size: “99” is not one of/);
    expect(await page.locator(`${H} select[data-key="block"]`).inputValue()).toBe('64');
    await page.locator(T).scrollIntoViewIfNeeded();
    const note = await page.locator(`${T} .cell-msg[data-msg="url"]`).textContent();
    expect(note).toMatch(/Rank r: 500 is above the maximum 64; using 64/);
    expect(note).toMatch(/Steps per run: “abc” is not a number/);
    expect(await page.locator(`${T} input[data-key="rank"]`).inputValue()).toBe('64');
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/qlora/ accuracy of the quantized base', () => {
  it('stops when asked, then measures all 20 configurations against the fp32 base', async () => {
    const { page, context, problems } = await site.openCell('/qlora/', A);
    // Stop right away: the worker checks between configurations, so none is measured.
    await page.locator(`${A} button[data-role="run"]`).click();
    await page.locator(`${A} button[data-role="stop"]`).click();
    await expect.poll(() => out(page, A, 'status').textContent(), { timeout: 60_000 }).toBe('Stopped after 0 of 20.');
    await expect.poll(() => page.locator(`${A} button[data-role="run"]`).isDisabled()).toBe(false);
    await page.locator(`${A} button[data-role="run"]`).click();
    await expect.poll(() => out(page, A, 'status').textContent(), { timeout: 120_000 }).toMatch(/^Done\. The fp32 base scores/);
    const cells = await page.locator(`${A} output[data-cell]`).allTextContents();
    expect(cells).toHaveLength(20);
    for (const c of cells) expect(c).toMatch(/^\d+(\.\d)?% \(\d+\)$/);
    expect(percent(await out(page, A, 'fp32').textContent())).toBeGreaterThan(90);
    // INT8 in blocks of 64 (relative weight error under 1%) changes at most a couple of the 1,000 predictions.
    expect(Number(/\((\d+)\)$/.exec((await page.locator(`${A} output[data-cell="INT8/64"]`).textContent()) ?? '')?.[1])).toBeLessThanOrEqual(2);
    await expect.poll(() => page.locator(`${A} [data-role="chart"] [role="img"]`).count()).toBe(1);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/qlora/ training on the NF4 base', () => {
  it('a short run on rotated digits beats the quantized base', async () => {
    const { page, context, problems } = await site.openCell('/qlora/?ql.task=rotated&ql.steps=20&ql.rank=8', T);
    const start = percent(await filled(page, T, 'nf4'));
    expect(start).toBeLessThan(30); // the base has never seen rotated digits
    expect(await out(page, T, 'm-params').textContent()).toBe('54,352'); // 8·(1784 + 3000 + 2010)
    await page.locator(`${T} button[data-role="train"]`).click();
    await expect.poll(() => out(page, T, 'step').textContent(), { timeout: 120_000 }).toBe('20 of 20');
    await expect.poll(() => page.locator(`${T} button[data-role="train"]`).isDisabled(), { timeout: 60_000 }).toBe(false);
    expect(percent(await out(page, T, 'score').textContent())).toBeGreaterThan(start + 5);
    expect(await out(page, T, 'measured').textContent()).toMatch(/^Measured in tfjs for this run: 652 kB for 54,352 adapter parameters/);
    await expect.poll(() => page.locator(`${T} svg[role="img"]`).count()).toBe(1);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    await expectNoProblemsAndClose(problems, context);
  });
});
