// Every number box and slider on every chapter, driven as a reader drives them:
// focus, select all, type a value one key at a time, commit with Enter or Tab. What
// was typed stays as typed until the commit, and then the cell's state and the URL
// hold exactly that value (no keystroke-by-keystroke clamping: "0.01" must not end as
// 0.0000101). Arrow keys step by a sensible increment and back; an out-of-range value
// gets a note on commit and the nearest valid value. Sliders follow Home, End and
// the arrows. Pages come from content/, controls from the DOM (every control bindInput
// bound carries data-state-key), so new chapters and controls are covered as they come.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useSite, sitePaths } from './harness';

const site = useSite();

interface Control {
  i: number; name: string; type: string; min: number; max: number; step: string; value: string; usable: boolean;
  /** The schema's kind and range for the control's key. */
  kind?: string; specMin?: number; specMax?: number;
}

/** Values a reader would type, in order of preference; each box gets the first two that fit it. */
const TYPED = ['0.01', '0.5', '20', '2000', '10', '12', '3', '1'];

async function controlsOf(page: Page): Promise<Control[]> {
  return page.evaluate(() => [...document.querySelectorAll<HTMLInputElement>('input[data-state-key]')]
    .filter((el) => el.type === 'number' || el.type === 'range')
    .map((el, i) => {
      el.dataset.readerTest = String(i);
      const name = el.dataset.stateKey!;
      const at = name.indexOf('.');
      const [prefix, key] = at < 0 ? ['', name] : [name.slice(0, at), name.slice(at + 1)];
      type Store = { prefix: string; schema: Record<string, { kind: string; min?: number; max?: number }> };
      const spec = (window as unknown as { __cellStates: Store[] }).__cellStates.find((s) => s.prefix === prefix && key in s.schema)?.schema[key];
      return {
        i, name, type: el.type, min: Number(el.min), max: Number(el.max), step: el.step || '1',
        value: el.value, usable: !el.disabled && el.getClientRects().length > 0,
        kind: spec?.kind, specMin: spec?.min, specMax: spec?.max,
      };
    }));
}

/** The cell's value for a control's key, read from its state store. */
async function stateValue(page: Page, name: string): Promise<unknown> {
  return page.evaluate((name) => {
    const at = name.indexOf('.');
    const [prefix, key] = at < 0 ? ['', name] : [name.slice(0, at), name.slice(at + 1)];
    type Store = { prefix: string; schema: Record<string, unknown>; get(k: string): unknown };
    const stores = (window as unknown as { __cellStates: Store[] }).__cellStates;
    return stores.find((s) => s.prefix === prefix && key in s.schema)?.get(key);
  }, name);
}

const urlValue = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

/** The notes shown by the cell (custom element) around a control. */
async function cellNotes(box: Locator): Promise<string> {
  return box.evaluate((el) => {
    let cell: Element | null = el.parentElement;
    while (cell && !cell.localName.includes('-')) cell = cell.parentElement;
    return [...(cell ?? document).querySelectorAll('.cell-msg[data-msg="input"]')].map((m) => m.textContent).join(' ');
  });
}

async function typeAndCommit(page: Page, box: Locator, text: string, commit: 'Enter' | 'Tab'): Promise<void> {
  await box.scrollIntoViewIfNeeded();
  await box.focus();
  await page.keyboard.press('ControlOrMeta+A');
  if (text === '') await page.keyboard.press('Backspace');
  else await box.pressSequentially(text);
  // Nothing is rewritten while the reader types.
  // (A number box reports "" for what is not yet a number, such as "1e".)
  if (text !== '' && Number.isFinite(Number(text))) expect(await box.inputValue(), `typed “${text}”, before committing`).toBe(text);
  await box.press(commit);
}

const fits = (c: Control, v: number) => v >= c.min && v < c.max && (c.step === 'any' || Number.isInteger(v / Number(c.step)));

async function checkNumberBox(page: Page, c: Control): Promise<void> {
  const box = page.locator(`input[data-reader-test="${c.i}"]`);
  const where = `${c.name} (number box)`;
  // The markup's range is the schema's, and a whole-number key steps by whole numbers.
  expect([c.min, c.max], `${where}: min/max attributes`).toEqual([c.specMin, c.specMax]);
  if (c.kind === 'int') expect(c.step, `${where}: step of a whole-number box`).toBe('1');
  else expect(c.step, `${where}: step of a decimal box spanning powers of ten`).toBe('any');
  const values = TYPED.filter((t) => fits(c, Number(t)) && Number(t) !== Number(c.value)).slice(0, 2);
  expect(values.length, `${where}: no value to type`).toBeGreaterThan(0);
  for (const [n, text] of values.entries()) {
    await typeAndCommit(page, box, text, n % 2 ? 'Tab' : 'Enter');
    expect(await stateValue(page, c.name), `${where}: state after typing ${text}`).toBe(Number(text));
    expect(urlValue(page, c.name), `${where}: URL after typing ${text}`).toBe(text);
    expect(await box.inputValue(), `${where}: shown after typing ${text}`).toBe(text);
    expect(await cellNotes(box), `${where}: a note for the valid ${text}`).toBe('');
  }
  // Arrow keys: a sensible step up (no 0.001 → 1.00001001), and back down to the same value.
  const from = Number(values.at(-1));
  await box.focus();
  await box.press('ArrowUp');
  await expect.poll(() => stateValue(page, c.name), { message: `${where}: ArrowUp from ${from}` }).not.toBe(from);
  const up = Number(await box.inputValue());
  expect(await stateValue(page, c.name), `${where}: state after ArrowUp`).toBe(up);
  expect(up, `${where}: ArrowUp from ${from}`).toBeGreaterThan(from);
  expect(up - from, `${where}: ArrowUp from ${from} went to ${up}`).toBeLessThanOrEqual(Math.max(from, c.step === 'any' ? 0 : Number(c.step)));
  expect(Number(up.toPrecision(6)), `${where}: ${up} is not a round number`).toBe(up);
  await box.press('ArrowDown');
  await expect.poll(() => stateValue(page, c.name), { message: `${where}: ArrowDown back from ${up}` }).toBe(from);
  // Out of range: a note on commit, and the maximum.
  const tooBig = String(c.max + (c.step === 'any' ? c.max : 1));
  await typeAndCommit(page, box, tooBig, 'Tab');
  await expect.poll(() => cellNotes(box), { message: `${where}: no note for ${tooBig}` }).toMatch(/above the maximum/);
  expect(await stateValue(page, c.name), `${where}: state after ${tooBig}`).toBe(c.max);
  expect(Number(urlValue(page, c.name)), `${where}: URL after ${tooBig}`).toBe(c.max);
  expect(Number(await box.inputValue()), `${where}: shown after ${tooBig}`).toBe(c.max);
  // Something that is not a number ("1e" is all a number box lets through): a note, and the value it had.
  await typeAndCommit(page, box, '1e', 'Enter');
  await expect.poll(() => cellNotes(box), { message: `${where}: no note for “1e”` }).toMatch(/not a number/);
  expect(await stateValue(page, c.name), `${where}: state after “1e”`).toBe(c.max);
  // Emptied and left: a note, and the value it had.
  await typeAndCommit(page, box, '', 'Enter');
  await expect.poll(() => cellNotes(box), { message: `${where}: no note for an empty box` }).toMatch(/empty/);
  expect(await stateValue(page, c.name), `${where}: state after emptying`).toBe(c.max);
  expect(Number(await box.inputValue()), `${where}: shown after emptying`).toBe(c.max);
}

async function checkSlider(page: Page, c: Control): Promise<void> {
  const slider = page.locator(`input[data-reader-test="${c.i}"]`);
  const where = `${c.name} (slider)`;
  await slider.scrollIntoViewIfNeeded();
  await slider.focus();
  const step = c.step === 'any' ? 1 : Number(c.step);
  for (const [key, want] of [['End', c.max], ['Home', c.min], ['ArrowRight', c.min + step]] as const) {
    await slider.press(key);
    await expect.poll(() => stateValue(page, c.name), { message: `${where}: ${key}` }).toBe(want);
    expect(Number(urlValue(page, c.name)), `${where}: URL after ${key}`).toBe(want);
  }
}

const chapters = sitePaths().filter((p) => p !== '/');

describe('every number box and slider, typed into as a reader types', () => {
  for (const path of chapters) {
    it(`${path}: typed values are kept exactly, steps are sensible, out-of-range values get a note`, async () => {
      const { page, context, problems } = await site.open(path);
      const controls = await controlsOf(page);
      expect(controls.filter((c) => !c.usable).map((c) => c.name), 'controls hidden or disabled at load').toEqual([]);
      for (const c of controls) {
        if (c.type === 'number') await checkNumberBox(page, c);
        else await checkSlider(page, c);
      }
      expect(problems, problems.join('\n')).toEqual([]);
      await context.close();
    });
  }
});
