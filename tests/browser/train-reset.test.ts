// Every cell with a Train button and a Reset button, on every chapter (found in the DOM, not listed
// here): a reader alternates Train and Reset fast, 20 times, then Train, Reset, Train, and Reset last.
// Afterwards no error is shown, the step count reads 0, and a new Train starts from step 0 (not
// from where a stale run left off). Issue 13, item 2: /qlora/ showed tfjs's "Cannot find a
// connection between any variable and the result of the loss function…" and went on "20 of 113".
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { sitePaths, useSite } from './harness';

const site = useSite();
let found = 0;
const PAUSES = [20, 250, 60, 400, 120, 30, 300, 180];

interface Found { tag: string; index: number }

/** Custom elements holding a button whose text starts with "Train" and a button "Reset". */
async function trainResetCells(page: Page): Promise<Found[]> {
  return page.evaluate(() => {
    const cells: { tag: string; index: number }[] = [];
    const seen = new Set<Element>();
    for (const b of document.querySelectorAll('button')) {
      if (!/^Train\b/.test(b.textContent?.trim() ?? '')) continue;
      let cell: Element | null = b.parentElement;
      while (cell && !cell.tagName.includes('-')) cell = cell.parentElement;
      if (!cell || seen.has(cell)) continue;
      if (![...cell.querySelectorAll('button')].some((r) => r.textContent?.trim() === 'Reset')) continue;
      seen.add(cell);
      const tag = cell.tagName.toLowerCase();
      cells.push({ tag, index: [...document.querySelectorAll(tag)].indexOf(cell) });
    }
    return cells;
  });
}

/** The step count: the output under a <dt> "Step" / "Steps trained", read as its first whole number. */
async function stepCount(cell: Locator): Promise<number> {
  const text = await cell.locator('dt', { hasText: /^\s*Steps?( trained)?\s*$/ }).first()
    .locator('xpath=following-sibling::dd[1]').textContent();
  const m = /\d[\d,]*/.exec(text ?? '');
  return m ? Number(m[0].replace(/,/g, '')) : NaN;
}

async function stepTotal(cell: Locator): Promise<number | null> {
  const text = await cell.locator('dt', { hasText: /^\s*Steps?( trained)?\s*$/ }).first()
    .locator('xpath=following-sibling::dd[1]').textContent();
  const m = /of ([\d,]+)/.exec(text ?? '');
  return m ? Number(m[1].replace(/,/g, '')) : null;
}

const errorsIn = (cell: Locator) => cell.locator('.cell-msg[data-tone="error"]').allTextContents();

async function exercise(page: Page, { tag, index }: Found): Promise<void> {
  const cell = page.locator(tag).nth(index);
  await cell.scrollIntoViewIfNeeded();
  const train = cell.locator('button').filter({ hasText: /^\s*Train\b/ }).first();
  const reset = cell.getByRole('button', { name: 'Reset', exact: true });
  const perRun = Number(await cell.getByLabel(/^Steps per/).inputValue());
  // Ready: the cell has loaded its model and Train is enabled.
  await expect.poll(() => train.isEnabled(), { timeout: 60_000 }).toBe(true);
  // Train once and let a few steps happen, so a later stale run would show as a step count > 0.
  await train.click();
  await expect.poll(() => stepCount(cell), { timeout: 90_000 }).toBeGreaterThan(0);

  // At a reader's pace, but fast: no waiting for the buttons to change state.
  // Pauses from 20 to 400 ms: some clicks land while a job is being set up, some while it runs.
  for (let i = 0; i < 20; i++) {
    await train.click({ force: true });
    await page.waitForTimeout(PAUSES[i % PAUSES.length]);
    await reset.click({ force: true });
    await page.waitForTimeout(PAUSES[(i + 3) % PAUSES.length]);
  }
  await train.click({ force: true });
  await page.waitForTimeout(150);
  await reset.click({ force: true });
  await page.waitForTimeout(150);
  await train.click({ force: true });
  await page.waitForTimeout(400);
  await reset.click({ force: true });

  // Everything settles on "reset": step 0, Train available, no error.
  await expect.poll(async () => (await train.isEnabled()) && (await stepCount(cell)) === 0, { timeout: 90_000 }).toBe(true);
  await page.waitForTimeout(1500); // anything still in flight from the clicks above would show now
  expect(await stepCount(cell), `${tag}: step count after the last Reset`).toBe(0);
  expect(await errorsIn(cell), `${tag}: error messages`).toEqual([]);
  expect(await cell.innerText()).not.toMatch(/Cannot find a connection|Training failed/);

  // A new Train starts from step 0.
  await train.click();
  await expect.poll(() => stepCount(cell), { timeout: 90_000 }).toBeGreaterThan(0);
  expect(await stepCount(cell), `${tag}: first steps of a new run`).toBeLessThanOrEqual(perRun);
  const total = await stepTotal(cell);
  if (total !== null) expect(total, `${tag}: the new run's target`).toBe(perRun);
  await reset.click();
  await expect.poll(() => stepCount(cell), { timeout: 90_000 }).toBe(0);
  expect(await errorsIn(cell)).toEqual([]);
  found++;
}

describe('Train and Reset, pressed fast and in turn', () => {
  for (const path of sitePaths()) {
    it(`every Train/Reset cell on ${path}`, async () => {
      const { page, context, problems } = await site.open(path);
      for (const c of await trainResetCells(page)) await exercise(page, c);
      expect(problems).toEqual([]);
      await context.close();
    }, 300_000);
  }
  it('found the site\'s training cells', () => {
    // The discovery must keep finding them (/mlp/, /delta-w/, /intrinsic-dimension/, /qlora/).
    expect(found).toBeGreaterThanOrEqual(4);
  });
});
