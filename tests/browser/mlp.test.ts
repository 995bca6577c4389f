// The /mlp/ chapter's live cells: parameter counts, training, adapter on/off,
// the full-vs-LoRA comparison, and URL state.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();
const P = 'mlp-params';
const T = 'mlp-train';
const out = (page: Page, cell: string, role: string) => page.locator(`${cell} output[data-role="${role}"]`);
const percent = (text: string | null) => Number(/([\d.]+)%/.exec(text ?? '')?.[1]);

describe('/mlp/ parameter cell', () => {
  it('is correct before any script runs', async () => {
    const { page, context } = await site.openWithoutScripts('/mlp/');
    // 784·1000 + 1000 + 1000·2000 + 2000 + 2000·10 + 10, and 1·(1784) + 1·(3000) + 1·(2010)
    expect(await out(page, P, 'base').textContent()).toBe('2,807,010');
    expect(await out(page, P, 'adapter').textContent()).toBe('6,794');
    expect(await page.locator(`${P} input[type="range"]`).inputValue()).toBe('1');
    await context.close();
  });

  it('follows the rank slider (keyboard) and the layer checkboxes', async () => {
    const { page, context, problems } = await site.open('/mlp/');
    const slider = page.getByRole('slider', { name: /rank/i }).first();
    await slider.scrollIntoViewIfNeeded();
    expect(await out(page, P, 'adapter').textContent()).toBe('6,794');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => out(page, P, 'adapter').textContent()).toBe('13,588'); // 2·6,794
    expect(await out(page, P, 'rank').textContent()).toBe('2');
    expect(await page.locator(`${P} tr[data-row="3"] [data-f="adapter"]`).textContent()).toBe('B 10×2 · A 2×2000');
    // Drop layer 2 (2000×1000): its 2·(2000+1000) parameters go.
    await page.locator(`${P} input[type="checkbox"][value="2"]`).uncheck();
    await expect.poll(() => out(page, P, 'adapter').textContent()).toBe('7,588');
    expect(await page.locator(`${P} tr[data-row="2"] [data-f="adapterCount"]`).textContent()).toBe('0');
    expect(page.url()).toContain('mp.rank=2');
    expect(page.url()).toContain('mp.layers=1,3');
    expect(await out(page, P, 'base').textContent()).toBe('2,807,010');
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/mlp/ URL state', () => {
  it('reproduces the controls from a link', async () => {
    const { page, context, problems } = await site.openCell('/mlp/?mp.rank=8&mt.task=rotated&mt.rank=8&mt.alpha=16&mt.lr=0.01&mt.layers=1,3&mt.seed=7&mt.steps=25', T);
    expect(await out(page, P, 'adapter').textContent()).toBe('54,352'); // 8·(1784 + 3000 + 2010)
    expect(await page.locator(`${T} select[data-key="task"]`).inputValue()).toBe('rotated');
    expect(await page.locator(`${T} input[data-key="rank"]`).inputValue()).toBe('8');
    expect(await page.locator(`${T} input[data-key="alpha"]`).inputValue()).toBe('16');
    expect(await page.locator(`${T} input[data-key="lr"]`).inputValue()).toBe('0.01');
    expect(await page.locator(`${T} input[data-key="seed"]`).inputValue()).toBe('7');
    expect(await page.locator(`${T} input[data-key="steps"]`).inputValue()).toBe('25');
    const boxes = page.locator(`${T} input[name$="-layers"]`);
    expect(await boxes.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).checked))).toEqual([true, false, true]);
    await expectNoProblemsAndClose(problems, context);
  });

  it('clamps bad values with a visible note', async () => {
    const { page, context, problems } = await site.openCell('/mlp/?mp.rank=999&mt.rank=abc&mt.alpha=-3', P);
    await expect.poll(() => page.locator(`${P} .cell-msg[data-msg="url"]`).textContent()).toMatch(/Rank r: 999 is above the maximum 64; using 64\./);
    expect(await page.locator(`${P} input[type="range"]`).inputValue()).toBe('64');
    expect(await out(page, P, 'adapter').textContent()).toBe('434,816'); // 64·6,794
    const note = await page.locator(`${T} .cell-msg[data-msg="url"]`).textContent();
    expect(note).toMatch(/Rank r: “abc” is not a number; using 4\./);
    expect(note).toMatch(/α: -3 is below the minimum 0\.25; using 0\.25\./);
    expect(await page.locator(`${T} input[data-key="rank"]`).inputValue()).toBe('4');
    expect(page.url()).toContain('mp.rank=64');
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/mlp/ training cell', () => {
  it('improves the 4s when trained, and gives the base back with the adapter off', async () => {
    const { page, context, problems } = await site.openCell('/mlp/?mt.steps=20', T);
    const score = out(page, T, 'score');
    await expect.poll(() => score.textContent(), { timeout: 60_000 }).toMatch(/% \(base model\)$/);
    const base = percent(await score.textContent());
    expect(base).toBeGreaterThan(50);
    expect(base).toBeLessThan(100);
    expect(await out(page, T, 'backend').textContent()).toMatch(/WebAssembly|WebGL|WebGPU|CPU/);

    const t0 = Date.now();
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => out(page, T, 'progress').textContent(), { timeout: 60_000 }).toBe('20');
    await expect.poll(() => score.textContent(), { timeout: 30_000 }).not.toMatch(/base model/);
    const trained = percent(await score.textContent());
    expect(trained).toBeGreaterThan(base);
    expect(Date.now() - t0).toBeLessThan(45_000);
    expect(await out(page, T, 'ms').textContent()).toMatch(/\d ms|\d s/);
    expect(await out(page, T, 'trainable').textContent()).toBe('27,176'); // 4·(1784 + 3000 + 2010)
    expect(await out(page, T, 'summary').textContent()).toMatch(/→/);
    await expect.poll(() => page.locator(`${T} [data-role="curves"] [role="img"]`).count()).toBe(1);
    await expect.poll(() => page.locator(`${T} [data-role="digits"] [role="img"]`).count()).toBe(1);

    // Adapter off: exactly the base model's numbers again; on: the trained ones.
    await page.getByLabel('Adapter on').uncheck();
    await expect.poll(() => score.textContent(), { timeout: 30_000 }).toMatch(/adapter off/);
    expect(percent(await score.textContent())).toBe(base);
    expect(page.url()).toContain('mt.adapter=0');
    await page.getByLabel('Adapter on').check();
    await expect.poll(() => score.textContent(), { timeout: 30_000 }).not.toMatch(/adapter off/);
    expect(percent(await score.textContent())).toBe(trained);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    await expectNoProblemsAndClose(problems, context);
  });

  it('takes single steps and resets', async () => {
    const { page, context, problems } = await site.openCell('/mlp/', T);
    await expect.poll(() => out(page, T, 'score').textContent(), { timeout: 60_000 }).toMatch(/base model/);
    const step = page.locator(`${T} button[data-role="step"]`);
    await step.click();
    await expect.poll(() => out(page, T, 'progress').textContent(), { timeout: 30_000 }).toBe('1');
    await expect.poll(() => step.isEnabled()).toBe(true);
    await step.click();
    await expect.poll(() => out(page, T, 'progress').textContent(), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => step.isEnabled()).toBe(true);
    await page.locator(`${T} button[data-role="reset"]`).click();
    await expect.poll(() => out(page, T, 'progress').textContent()).toBe('0');
    await expect.poll(() => out(page, T, 'score').textContent()).toMatch(/base model/);
    expect(await out(page, T, 'trainable').textContent()).toBe('—');
    await expectNoProblemsAndClose(problems, context);
  });

  it('pauses and resumes, and a new task starts over', async () => {
    const { page, context, problems } = await site.openCell('/mlp/?mt.steps=400', T);
    await expect.poll(() => out(page, T, 'score').textContent(), { timeout: 60_000 }).toMatch(/base model/);
    await page.getByRole('button', { name: 'Train' }).click();
    const pause = page.locator(`${T} button[data-role="pause"]`);
    await expect.poll(() => out(page, T, 'progress').textContent(), { timeout: 30_000 }).toMatch(/^[1-9][\d,]* \(running\)$/);
    await pause.click();
    await expect.poll(() => pause.textContent()).toBe('Resume');
    await page.waitForTimeout(300);
    const held = await out(page, T, 'progress').textContent();
    await page.waitForTimeout(800);
    expect(await out(page, T, 'progress').textContent()).toBe(held);
    expect(await page.locator(`${T} select[data-key="task"]`).isDisabled()).toBe(true);
    expect(held).toMatch(/\(paused\)$/);
    await pause.click();
    await expect.poll(() => out(page, T, 'progress').textContent(), { timeout: 30_000 }).not.toBe(held);
    // Off screen, training waits; back on screen, it goes on.
    await page.evaluate(() => window.scrollTo(0, 0));
    const note = page.locator(`${T} .cell-msg[data-msg="offscreen"]`);
    await expect.poll(() => note.count()).toBe(1);
    await expect.poll(() => out(page, T, 'progress').textContent()).toMatch(/paused/);
    await page.locator(T).scrollIntoViewIfNeeded();
    await expect.poll(() => note.count()).toBe(0);
    await expect.poll(() => out(page, T, 'progress').textContent()).toMatch(/running|^[\d,]+$/);
    // Reset mid-run, then a different task: back to the base model on that task.
    await page.locator(`${T} button[data-role="reset"]`).click();
    await expect.poll(() => out(page, T, 'progress').textContent(), { timeout: 30_000 }).toBe('0');
    await page.locator(`${T} select[data-key="task"]`).selectOption('inverted');
    await expect.poll(() => page.locator(`${T} [data-role="score-label"]`).textContent()).toMatch(/inverted/);
    await expect.poll(() => out(page, T, 'score').textContent(), { timeout: 30_000 }).toMatch(/base model/);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/mlp/ full fine-tuning against LoRA', () => {
  it('runs both for a few steps and reports what each trained', async () => {
    const { page, context, problems, cell } = await site.openCell('/mlp/?mc.steps=4&mc.rank=2', 'mlp-compare');
    const value = (row: string, col: string) => cell.locator(`tr[data-row="${row}"] [data-f="${col}"]`);
    await expect.poll(() => value('score', 'base').textContent(), { timeout: 60_000 }).toMatch(/%$/);
    await cell.getByRole('button', { name: 'Run both' }).click();
    await expect.poll(() => value('score', 'lora').textContent(), { timeout: 90_000 }).toMatch(/%$/);
    expect(await value('trainable', 'full').textContent()).toBe('2,807,010');
    expect(await value('trainable', 'lora').textContent()).toBe('13,588'); // 2·6,794
    expect(await value('ms', 'full').textContent()).toMatch(/ms|s$/);
    // Full fine-tuning holds the weights it trains plus Adam's two moments: 12 bytes a parameter, about 33.7 MB.
    const mb = Number(/([\d.]+) MB/.exec((await value('bytes', 'full').textContent()) ?? '')?.[1]);
    expect(mb).toBeGreaterThan(30);
    expect(mb).toBeLessThan(40);
    expect(await value('bytes', 'lora').textContent()).toMatch(/kB/);
    expect(await cell.locator('output[data-role="progress"]').textContent()).toMatch(/^Done/);
    await expectNoProblemsAndClose(problems, context);
  });
});
