// The /attention/ chapter: parameter counts (with and without scripts), base samples, and a short
// LoRA run on one country that lowers the held-out loss and yields adapted samples.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();
const P = 'attention-params';
const L = 'attention-lab';
const out = (page: Page, cell: string, role: string) => page.locator(`${cell} output[data-role="${role}"]`);
const nats = (text: string | null) => Number(/([\d.]+) nats/.exec(text ?? '')?.[1]);

describe('/attention/ parameter cell', () => {
  it('is correct before any script runs', async () => {
    const { page, context } = await site.openWithoutScripts('/attention/');
    // 27·64 + 16·64 + 2·(2·64 + 4·64² + 2·64 + 64·256 + 256 + 256·64 + 64) + 2·64 + 64·27 + 27
    expect(await out(page, P, 'base').textContent()).toBe('104,091');
    // W_q and W_v at r = 4 in two blocks: 2 · 2 · 4·(64 + 64)
    expect(await out(page, P, 'adapter').textContent()).toBe('2,048');
    await context.close();
  });

  it('recounts as the reader types a rank and ticks matrices', async () => {
    const { page, context, problems, cell: rank } = await site.openCell('/attention/', `${P} input[type="number"]`);
    await rank.fill('');
    await rank.pressSequentially('8');
    await rank.press('Enter'); // a typed number applies on commit (Enter or leaving the field), not per keystroke
    await expect.poll(() => out(page, P, 'adapter').textContent()).toBe('4,096');
    await page.locator(`${P} input[type="checkbox"][value="o"]`).check();
    await page.locator(`${P} input[type="checkbox"][value="k"]`).check();
    await expect.poll(() => out(page, P, 'adapter').textContent()).toBe('8,192');
    expect(page.url()).toContain('ap.rank=8');
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/attention/ training cell', () => {
  it('samples the base, trains on Polish names, lowers the held-out loss and samples the adapted model', async () => {
    const { page, context, problems, cell: lab } = await site.openCell('/attention/?al.country=PL&al.steps=40', L);
    // Base samples and the base's held-out loss appear once the engine has loaded.
    await expect.poll(() => page.locator(`${L} [data-role="base-samples"] li`).count(), { timeout: 60_000 }).toBe(8);
    await expect.poll(async () => nats(await out(page, L, 'base-loss').textContent()), { timeout: 60_000 }).toBeGreaterThan(0);
    const base = nats(await out(page, L, 'base-loss').textContent());
    const baseWords = await page.locator(`${L} [data-role="base-samples"] li`).allTextContents();
    expect(baseWords.every((w) => /^[a-z…]+$|^\(empty word\)$/.test(w))).toBe(true);
    expect(await page.locator(`${L} [data-role="adapted-samples"] li`).allTextContents()).toEqual(['Train first.']);

    await page.locator(`${L} button[data-role="train"]`).click();
    await expect.poll(() => page.locator(`${L} .job-progress-status`).textContent(), { timeout: 240_000 }).toMatch(/Trained to step 40/);
    const adapted = nats(await out(page, L, 'adapted-loss').textContent());
    expect(adapted).toBeLessThan(base);
    expect(await out(page, L, 'summary').textContent()).toMatch(/Poland, held-out names: [\d.]+ → [\d.]+ nats\/char/);
    expect(Number((await out(page, L, 'trainable').textContent())!.replace(/,/g, ''))).toBe(2 * 4 * 4 * 128);
    await expect.poll(() => page.locator(`${L} [data-role="adapted-samples"] li`).allTextContents(), { timeout: 60_000 }).not.toEqual(['Train first.']);
    const adaptedWords = await page.locator(`${L} [data-role="adapted-samples"] li`).allTextContents();
    expect(adaptedWords).toHaveLength(8);
    // Same seed and temperature, different weights: the samples differ.
    expect(adaptedWords).not.toEqual(baseWords);
    // The base column is unchanged by training (the base is frozen).
    expect(await page.locator(`${L} [data-role="base-samples"] li`).allTextContents()).toEqual(baseWords);

    // Look inside: one head's attention, base beside adapted, for a word typed key by key.
    const word = page.locator(`${L} input[data-role="word"]`);
    await word.fill('');
    await word.pressSequentially('Łódź');
    await page.locator(`${L} button[data-role="inside"]`).click();
    await expect.poll(() => page.locator(`${L} .cell-messages`).textContent()).toMatch(/1 to 15 letters a–z/);
    await word.fill('');
    await word.pressSequentially('gdansk');
    await page.locator(`${L} button[data-role="inside"]`).click();
    await expect.poll(() => page.locator(`${L} [data-role="att-adapted"] [role="img"]`).count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator(`${L} [data-role="att-base"] [role="img"]`).getAttribute('aria-label')).toMatch(/^Base, block 2, head 1: .*strongest ·→·, g→/);
    expect(await page.locator(`${L} .cell-messages`).textContent()).not.toMatch(/letters a–z/);

    // Task switching: keep the adapter; it is sampled on the same base, and the next run starts afresh.
    await page.locator(`${L} button[data-role="keep"]`).click();
    await expect.poll(() => page.locator(`${L} [data-role="kept"] h4`).allTextContents(), { timeout: 60_000 }).toEqual(['Poland adapter']);
    expect(await page.locator(`${L} [data-role="kept"] li`).allTextContents()).toEqual(adaptedWords);
    expect(await out(page, L, 'kept-summary').textContent()).toMatch(/^1 adapter on one frozen base of 104,091 parameters .*: each 4,096 parameters/);
    expect(await out(page, L, 'step').textContent()).toBe('0');
    expect(await page.locator(`${L} button[data-role="keep"]`).isDisabled()).toBe(true);
    await expectNoProblemsAndClose(problems, context);
  }, 300_000);
});

describe('/attention/ Generate then Reset', () => {
  // On WebGL: there each sampled character waits for the GPU, and the worker takes the next message
  // meanwhile (on WASM the samples are drawn in one task of the worker, so nothing can come between).
  // Before Generate ran in turn with Reset, the reset adapter's words stayed in the adapted column.
  it('a Reset pressed right after Generate leaves no adapted words behind (WebGL)', async () => {
    const { page, context, problems } = await site.openCell('/attention/?backend=webgl&al.country=PL&al.steps=5', L);
    await expect.poll(() => page.locator(`${L} [data-role="base-samples"] li`).count(), { timeout: 60_000 }).toBe(8);
    expect(await out(page, L, 'backend').textContent()).toBe('WebGL'); // not a fallback to WASM, where the race cannot happen
    await page.locator(`${L} button[data-role="train"]`).click();
    await expect.poll(() => page.locator(`${L} .job-progress-status`).textContent(), { timeout: 240_000 }).toMatch(/Trained to step 5/);
    await expect.poll(() => page.locator(`${L} [data-role="adapted-samples"] li`).allTextContents(), { timeout: 60_000 }).not.toEqual(['Train first.']);
    // Generate, then Reset before the samples are drawn (clicked in one go, as a double click would).
    await page.evaluate((l) => {
      document.querySelector<HTMLButtonElement>(`${l} button[data-role="generate"]`)!.click();
      document.querySelector<HTMLButtonElement>(`${l} button[data-role="reset"]`)!.click();
    }, L);
    await expect.poll(() => out(page, L, 'step').textContent(), { timeout: 60_000 }).toBe('0');
    await page.waitForTimeout(1500); // time for a late sample to land, if one could
    expect(await page.locator(`${L} [data-role="adapted-samples"] li`).allTextContents()).toEqual(['Train first.']);
    expect(await page.locator(`${L} .cell-messages`).textContent()).toBe('');
    expect(await page.locator(`${L} button[data-role="train"]`).isEnabled()).toBe(true);
    await expectNoProblemsAndClose(problems, context);
  }, 300_000);
});

describe('/attention/ Table 5 cell', () => {
  it('trains the seven equal-budget configurations and fills every row', async () => {
    const { page, context, problems, cell } = await site.openCell('/attention/?ab.steps=5&ab.country=JP', 'attention-budget[data-table="5"]');
    // Same budget in every row: 2 blocks × 8·(64+64) on one type = 2 × 2 types × 4·(64+64) = 2 × 4 types × 2·(64+64).
    expect(new Set(await cell.locator('tbody tr td:nth-child(3)').allTextContents())).toEqual(new Set(['2,048']));
    await cell.locator('button[data-role="run"]').click();
    await expect.poll(() => cell.locator('.job-progress-status').textContent(), { timeout: 240_000 }).toMatch(/Trained all 7 configurations/);
    const losses = (await cell.locator('output[data-f="loss"]').allTextContents()).map(Number);
    expect(losses).toHaveLength(7);
    for (const l of losses) expect(l).toBeGreaterThan(0);
    expect(await cell.locator('output[data-role="summary"]').textContent()).toMatch(/^Japan: lowest held-out loss with W[qkvo]/);
    expect(await cell.locator('[data-role="chart"] svg, [data-role="chart"] figure').count()).toBeGreaterThan(0);
    await expectNoProblemsAndClose(problems, context);
  }, 300_000);
});

describe('/attention/ Table 6 cell', () => {
  it('trains fifteen rank configurations and fills every row', async () => {
    const { page, context, problems, cell } = await site.openCell('/attention/?ar.steps=5&ar.country=IT', 'attention-budget[data-table="6"]');
    // r(d+k) per matrix per block: W_q alone at r = 1 is 2·1·128; all four at r = 64 is 2·4·64·128.
    const params = await cell.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(params).toHaveLength(15);
    expect(params[0]).toBe('256');
    expect(params[14]).toBe('65,536');
    await cell.locator('button[data-role="run"]').click();
    await expect.poll(() => cell.locator('.job-progress-status').textContent(), { timeout: 240_000 }).toMatch(/Trained all 15 configurations/);
    const losses = (await cell.locator('output[data-f="loss"]').allTextContents()).map(Number);
    for (const l of losses) expect(l).toBeGreaterThan(0);
    expect(await cell.locator('output[data-role="summary"]').textContent()).toMatch(/^Italy: lowest held-out loss with W[qkvo].*, r = \d+/);
    await expectNoProblemsAndClose(problems, context);
  }, 300_000);
});
