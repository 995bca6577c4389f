// Classroom features on a built chapter: presentation mode stepped by keyboard,
// controls fixed or hidden by a teacher's link, the classroom-link builder, and
// the printed handout (print media: no controls, settings and link under figures).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();
const counter = (page: Page) => page.locator('.present-bar output');
const visible = (page: Page, sel: string) => page.locator(sel).first().isVisible();
const LORA = 'param-count output[data-role="lora"]';

describe('presentation mode', () => {
  it('steps through slides with the keyboard and leaves with Escape', async () => {
    const { page, context, problems } = await site.open('/rank/?present=1');
    expect(await page.evaluate(() => document.documentElement.classList.contains('presenting'))).toBe(true);
    const total = Number(/of (\d+)/.exec((await counter(page).textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(3);
    expect(await counter(page).textContent()).toBe(`Slide 1 of ${total}`);
    expect(await visible(page, 'main h1')).toBe(true);
    expect(await visible(page, 'main h2')).toBe(false);
    expect(await page.getByLabel('Presentation mode').isChecked()).toBe(true); // the toggle reflects the mode

    await page.keyboard.press('ArrowRight');
    expect(await counter(page).textContent()).toBe(`Slide 2 of ${total}`);
    expect(page.url()).toContain('slide=2');
    expect(await visible(page, 'main h1')).toBe(false);
    await page.keyboard.press('PageDown');
    expect(await counter(page).textContent()).toBe(`Slide 3 of ${total}`);
    await page.keyboard.press('PageUp');
    await page.keyboard.press('ArrowLeft');
    expect(await counter(page).textContent()).toBe(`Slide 1 of ${total}`);
    await page.keyboard.press('ArrowLeft'); // stays on the first slide
    expect(await counter(page).textContent()).toBe(`Slide 1 of ${total}`);
    await page.keyboard.press('End');
    expect(await counter(page).textContent()).toBe(`Slide ${total} of ${total}`);

    // Each slide shows at most one figure.
    for (let i = total; i >= 1; i--) {
      const figures = await page.locator('main > figure:visible, main > * > figure:visible').count();
      expect(figures, `slide ${i}`).toBeLessThanOrEqual(1);
      if (i > 1) await page.keyboard.press('ArrowLeft');
    }

    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.documentElement.classList.contains('presenting'))).toBe(false);
    expect(await visible(page, 'main h2')).toBe(true);
    expect(await visible(page, '.present-bar')).toBe(false);
    expect(page.url()).not.toContain('present=');
    await expectNoProblemsAndClose(problems, context);
  });

  it('keeps live cells live, and arrow keys on a slider move the slider, not the slide', async () => {
    const { page, context, problems } = await site.open('/rank/');
    await page.getByLabel('Presentation mode').check();
    expect(await counter(page).textContent()).toMatch(/^Slide 1 of/);
    const slider = page.locator('param-count input[type="range"]');
    // Step until the parameter-count figure is on screen.
    for (let i = 0; i < 20 && !(await slider.isVisible()); i++) await page.keyboard.press('ArrowRight');
    expect(await slider.isVisible()).toBe(true);
    const slide = await counter(page).textContent();
    await expect.poll(() => page.locator(LORA).textContent()).toBe('4 × 1,784 = 7,136');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator(LORA).textContent()).toBe('5 × 1,784 = 8,920');
    expect(await counter(page).textContent()).toBe(slide);
    // The Next button steps too; the cell's state survives the round trip.
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await counter(page).textContent()).not.toBe(slide);
    await page.getByRole('button', { name: 'Previous' }).click();
    expect(await page.locator(LORA).textContent()).toBe('5 × 1,784 = 8,920');
    await page.getByRole('button', { name: /^Leave/ }).click();
    expect(await page.getByLabel('Presentation mode').isChecked()).toBe(false);
    await expectNoProblemsAndClose(problems, context);
  });

  it('opens on the slide named in the link', async () => {
    const { page, context } = await site.open('/rank/?present=1&slide=3');
    expect(await counter(page).textContent()).toMatch(/^Slide 3 of/);
    await context.close();
  });

  it('cuts the slides again for a new screen size and stays on the same text', async () => {
    const { page, context, problems } = await site.open('/why-peft/?present=1&slide=6', { width: 1280, height: 720 });
    const firstShown = () => page.evaluate(() => {
      const el = [...document.querySelector('main.page')!.children].find((c) => getComputedStyle(c).display !== 'none' && c.tagName !== 'SCRIPT');
      return el?.textContent?.trim().slice(0, 60) ?? '';
    });
    const before = await firstShown();
    const totalAt = async () => Number(/of (\d+)/.exec((await counter(page).textContent()) ?? '')?.[1]);
    const total = await totalAt();
    // A smaller projector: more slides, and the one on screen still starts with the same words.
    await page.setViewportSize({ width: 1024, height: 600 });
    await expect.poll(totalAt).toBeGreaterThan(total);
    expect(await firstShown()).toBe(before);
    expect(new URL(page.url()).searchParams.get('slide')).toBe(/Slide (\d+)/.exec((await counter(page).textContent()) ?? '')?.[1]);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('classroom links', () => {
  it('fixes a control at the linked value, with a visible note, and keeps it fixed', async () => {
    const { page, context, problems } = await site.open('/rank/?par.r=6&lock=par.r');
    const slider = page.locator('param-count').getByRole('slider', { name: /Rank/ });
    await slider.scrollIntoViewIfNeeded();
    expect(await slider.isDisabled()).toBe(true);
    expect(await slider.inputValue()).toBe('6');
    await expect.poll(() => page.locator(LORA).textContent()).toBe('6 × 1,784 = 10,704');
    // Still named for screen readers, and the lock is stated in words.
    const name = await slider.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '');
    expect(name).toMatch(/Rank/);
    expect(name).toMatch(/fixed by this link/);
    expect(await page.locator('param-count .lock-note').isVisible()).toBe(true);
    // The other cells are untouched.
    expect(await page.locator('matrix-rank select[data-role="rows"]').isDisabled()).toBe(false);
    await expectNoProblemsAndClose(problems, context);
  });

  it('hides a control, its label and its readout, while its linked value still applies', async () => {
    const { page, context, problems } = await site.openCell('/rank/?par.r=6&hide=par.r', 'param-count');
    const slider = page.locator('param-count input[type="range"]');
    expect(await slider.isVisible()).toBe(false);
    expect(await page.locator('param-count label').first().isVisible()).toBe(false);
    expect(await page.locator('param-count output[data-role="r"]').isVisible()).toBe(false);
    await expect.poll(() => page.locator(LORA).textContent()).toBe('6 × 1,784 = 10,704');
    await expectNoProblemsAndClose(problems, context);
  });

  it('keeps a fixed control fixed after its cell re-enables its controls', async () => {
    const { page, context, problems, cell } = await site.openCell('/mlp/?mt.rank=8&lock=mt.rank,mt.task&hide=mt.seed', 'mlp-train');
    const rank = cell.locator('input[data-key="rank"]');
    expect(await rank.isDisabled()).toBe(true);
    expect(await rank.inputValue()).toBe('8');
    expect(await cell.locator('select[data-key="task"]').isDisabled()).toBe(true);
    expect(await cell.locator('input[data-key="seed"]').isVisible()).toBe(false);
    expect(await cell.locator('input[data-key="lr"]').isDisabled()).toBe(false);
    await expect.poll(() => cell.locator('output[data-role="score"]').textContent(), { timeout: 60_000 }).toMatch(/base model/);
    const step = cell.locator('button[data-role="step"]');
    await step.click();
    await expect.poll(() => cell.locator('output[data-role="progress"]').textContent(), { timeout: 30_000 }).toBe('1');
    await expect.poll(() => step.isEnabled()).toBe(true);
    expect(await cell.locator('input[data-key="lr"]').isDisabled()).toBe(false);
    expect(await rank.isDisabled()).toBe(true);
    await expectNoProblemsAndClose(problems, context);
  });

  it('builds a classroom link from the chapter tools', async () => {
    const { page, context, problems } = await site.open('/rank/?par.r=7');
    await page.getByText('Classroom link', { exact: true }).click();
    const row = page.getByLabel(/^Rank r \(now 7\)/);
    await row.selectOption('locked');
    const link = await page.locator('.classroom-link input[data-role="link"]').inputValue();
    const url = new URL(link);
    expect(url.pathname).toBe('/rank/');
    expect(url.searchParams.get('lock')).toBe('par.r');
    expect(url.searchParams.get('par.r')).toBe('7');
    await page.goto(link);
    expect(await page.locator('param-count').getByRole('slider', { name: /Rank/ }).isDisabled()).toBe(true);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('printed handout', () => {
  it('prints without controls, with formulas, and with each live figure’s settings and link', async () => {
    const { page, context, problems } = await site.openCell('/rank/?par.r=6', 'param-count');
    await expect.poll(() => page.locator(LORA).textContent()).toBe('6 × 1,784 = 10,704');
    const note = page.locator('param-count').locator('xpath=ancestor::figure').locator('.print-note');
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['.site-header', '.chapter-tools', 'main input[type="range"]', 'main button', 'main select', '.site-footer']) {
      expect(await page.locator(sel).evaluateAll((els) => els.some((e) => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0)), sel).toBe(false);
    }
    expect(await page.locator('main .katex').first().isVisible()).toBe(true);
    expect(await page.locator(LORA).isVisible()).toBe(true);
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toMatch(/Settings: Rank r: 6/);
    const href = await note.locator('a').getAttribute('href');
    expect(new URL(href!).searchParams.get('par.r')).toBe('6');
    await page.emulateMedia({ media: 'screen' });
    expect(await note.isVisible()).toBe(false); // print only
    // Printing again after a change prints the new state.
    await page.locator('param-count').getByRole('slider', { name: /Rank/ }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator(LORA).textContent()).toBe('7 × 1,784 = 12,488');
    await page.emulateMedia({ media: 'print' });
    await expect.poll(async () => new URL((await note.locator('a').getAttribute('href'))!).searchParams.get('par.r')).toBe('7');
    expect(await note.textContent()).toMatch(/Settings: Rank r: 7/);
    await expectNoProblemsAndClose(problems, context);
  });
});
