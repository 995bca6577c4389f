// /attention/, issue 17's "adapter on/off" and task switching: the trained adapter switched off and on again
// (keyboard and mouse) brings back the base's samples and held-out loss and then the adapted ones, with nothing
// retrained; kept adapters of two countries are swapped in on the one frozen base, sized against it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite } from './harness';

const site = useSite();
const L = 'attention-lab';
const out = (page: Page, role: string) => page.locator(`${L} output[data-role="${role}"]`);
const words = (page: Page, role: string) => page.locator(`${L} [data-role="${role}"] li`).allTextContents();

/** Presses Train and waits for the run and the samples after it. */
async function train(page: Page, steps: number): Promise<void> {
  await page.locator(`${L} button[data-role="train"]`).click();
  await expect.poll(() => page.locator(`${L} .job-progress-status`).textContent(), { timeout: 240_000 }).toMatch(new RegExp(`Trained to step ${steps}`));
  await expect.poll(() => words(page, 'adapted-samples'), { timeout: 60_000 }).not.toEqual(['Train first.']);
  await expect.poll(() => page.locator(`${L} button[data-role="generate"]`).isDisabled()).toBe(false);
}

describe('/attention/ adapter on/off', () => {
  it('switches the trained adapter off and on by keyboard and mouse, and swaps kept adapters of two countries on one base', async () => {
    const { page, context, problems } = await site.open('/attention/?al.country=PL&al.steps=30');
    const lab = page.locator(L);
    await lab.scrollIntoViewIfNeeded();
    const box = page.getByRole('checkbox', { name: 'Adapter on' });
    const why = page.locator(`${L} [data-role="adapter-why"]`);
    // Before any training: a labelled native checkbox, off and disabled, described by the reason.
    expect(await box.isDisabled()).toBe(true);
    expect(await box.isChecked()).toBe(false);
    const describedBy = await box.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toMatch(/^No adapter is trained yet: train one/);
    await expect.poll(() => words(page, 'base-samples'), { timeout: 60_000 }).toHaveLength(8);
    const baseWords = await words(page, 'base-samples');
    await expect.poll(async () => /nats/.test((await out(page, 'base-loss').textContent()) ?? ''), { timeout: 60_000 }).toBe(true);
    const baseLoss = (await out(page, 'base-loss').textContent())!.replace(/ nats\/char.*/, '');

    await train(page, 30);
    expect(await box.isDisabled()).toBe(false);
    expect(await box.isChecked()).toBe(true);
    expect(await why.textContent()).toMatch(/^On: the Poland adapter is applied/);
    const adaptedWords = await words(page, 'adapted-samples');
    const adaptedLoss = (await out(page, 'adapted-loss').textContent())!;
    expect(adaptedWords).not.toEqual(baseWords);
    expect(adaptedLoss.startsWith(baseLoss)).toBe(false);

    // Off with the keyboard: the base's words and the base's held-out loss, announced in the summary.
    await box.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => out(page, 'summary').textContent(), { timeout: 60_000 }).toMatch(/^Adapter off: the base alone scores [\d.]+ nats\/char on Poland’s held-out names\.$/);
    await expect.poll(() => words(page, 'adapted-samples'), { timeout: 60_000 }).toEqual(baseWords);
    expect(await out(page, 'adapted-loss').textContent()).toBe(`${baseLoss} nats/char (adapter off)`);
    expect(await box.isChecked()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-role'))).toBe('adapter');
    expect(await page.locator(`${L} [data-role="adapted-head"]`).textContent()).toBe('Adapted (Poland), adapter off: the base');
    expect(await why.textContent()).toMatch(/^Off: the frozen base alone; the adapter is kept/);
    expect(await out(page, 'step').textContent()).toBe('30'); // nothing retrained, nothing forgotten

    // On again with the mouse: the same adapted words and loss as before, no training in between.
    await box.click();
    await expect.poll(() => out(page, 'summary').textContent(), { timeout: 60_000 }).toMatch(/^Adapter on: Poland, held-out names: [\d.]+ → [\d.]+ nats\/char/);
    await expect.poll(() => words(page, 'adapted-samples'), { timeout: 60_000 }).toEqual(adaptedWords);
    expect(await out(page, 'adapted-loss').textContent()).toBe(adaptedLoss);
    expect(await page.locator(`${L} [data-role="adapted-head"]`).textContent()).toBe('Adapted (Poland)');
    expect(await box.isChecked()).toBe(true);
    expect(await out(page, 'step').textContent()).toBe('30');

    // Off, then Keep: the kept adapter is applied when swapped in; the switch has nothing to switch again.
    await box.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => words(page, 'adapted-samples'), { timeout: 60_000 }).toEqual(baseWords);
    await page.locator(`${L} button[data-role="keep"]`).click();
    await expect.poll(() => page.locator(`${L} [data-role="kept"] h4`).allTextContents(), { timeout: 60_000 }).toEqual(['Poland adapter']);
    expect(await page.locator(`${L} [data-role="kept"] li`).allTextContents()).toEqual(adaptedWords);
    expect(await box.isDisabled()).toBe(true);
    expect(await why.textContent()).toMatch(/^No adapter is trained yet/);
    // Nothing is trained now: the column title and the summary speak of the base again, though the switch was off.
    expect(await page.locator(`${L} [data-role="adapted-head"]`).textContent()).toBe('Adapted (Poland)');
    expect(await out(page, 'summary').textContent()).toMatch(/^The English-trained base scores [\d.]+ nats per character on Poland’s held-out names\. Train to adapt it\.$/);

    // Task switching: a second country on the same frozen base; each kept adapter swapped in and sampled.
    await page.locator(`${L} select[data-key="country"]`).selectOption('FI');
    await train(page, 30);
    await page.locator(`${L} button[data-role="keep"]`).click();
    await expect.poll(() => page.locator(`${L} [data-role="kept"] h4`).allTextContents(), { timeout: 60_000 }).toEqual(['Poland adapter', 'Finland adapter']);
    const kept = page.locator(`${L} [data-role="kept"] > div`);
    expect(await kept.nth(0).locator('li').allTextContents()).toEqual(adaptedWords);
    expect(await kept.nth(1).locator('li').allTextContents()).not.toEqual(adaptedWords);
    // W_q, W_k, W_v, W_o at r = 4 in two blocks: 2 · 4 · 4·(64 + 64) = 4,096 parameters against the base's 104,091.
    expect(await out(page, 'kept-summary').textContent()).toMatch(/^2 adapters on one frozen base of 104,091 parameters \(.+ in fp32\): each 4,096 parameters/);
    expect(problems).toEqual([]);
    await context.close();
  }, 420_000);
});

describe('/attention/ in search (issue 17: the contents page, search and presentation mode include the chapter)', () => {
  // The contents page and presentation mode are checked for every chapter (layout.test.ts, present-fit.test.ts).
  it('finds the chapter by a place name only it mentions, and follows the result with the keyboard', async () => {
    const { page, context, problems } = await site.open('/');
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.pressSequentially('zyrardow');
    const results = page.locator('.search-results > li');
    await expect.poll(() => results.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await results.first().locator('a.result-title').getAttribute('href')).toBe('/attention/');
    await box.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/attention\/$/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
