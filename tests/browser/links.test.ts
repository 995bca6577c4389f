// Hostile links, on every chapter and every cell: each parameter of each cell's
// state is set in the URL to a garbage value, an out-of-range value and an empty
// value (one page load each, all parameters of the page at once). Every cell must
// say what it repaired (a note naming the parameter), keep the address in step with
// what it shows, still compute (its first button, pressed with Enter as a keyboard
// reader does, produces output; focus stays on a control of the cell), and log no
// error. Pages come from content/ and schemas from the page itself (state.ts keeps
// every store in window.__cellStates), so a new chapter or parameter is covered
// without touching this file.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useSite, sitePaths } from './harness';

const site = useSite();

interface KeySpec { key: string; kind: string; label: string; min?: number; max?: number; options?: string[]; maxLength?: number }
interface StoreInfo { prefix: string; keys: KeySpec[]; values: Record<string, unknown> }

/** Each cell's schema and current values, read from the page. */
export async function storesOf(page: Page): Promise<StoreInfo[]> {
  return page.evaluate(() => {
    type Store = { prefix: string; schema: Record<string, Record<string, unknown>>; values(): Record<string, unknown> };
    const stores = (window as unknown as { __cellStates?: Store[] }).__cellStates ?? [];
    return stores.map((s) => ({
      prefix: s.prefix,
      values: s.values(),
      keys: Object.entries(s.schema).map(([key, spec]) => ({
        key, kind: spec.kind as string, label: (spec.label as string | undefined) ?? key,
        min: spec.min as number | undefined, max: spec.max as number | undefined,
        options: spec.options as string[] | undefined, maxLength: spec.maxLength as number | undefined,
      })),
    }));
  });
}

type Variant = 'garbage' | 'out-of-range' | 'empty';

/** The raw URL value a variant gives a key; `i` alternates above-maximum and below-minimum. */
function rawValue(k: KeySpec, variant: Variant, i: number, firstEnum: number): string {
  if (variant === 'empty') return '';
  if (variant === 'garbage') {
    switch (k.kind) {
      case 'int': case 'number': return 'abc';
      case 'bool': return 'maybe';
      // The first enum of a page gets a 4,000-character value: the note must not echo it past the cell's border.
      case 'enum': return i === firstEnum ? 'z'.repeat(4000) : 'zzz';
      case 'set': return 'nope';
      default: return '<i>x</i>;;,';
    }
  }
  switch (k.kind) {
    case 'int': case 'number':
      // Above the maximum, below the minimum, and a number too large for a double.
      return [String(k.max! + 1), String(k.min! - 1), '9'.repeat(400)][i % 3];
    case 'bool': return '2';
    case 'enum': return ['7', '1e9', '-1'][i % 3];
    case 'set': return [...k.options!, 'x'].join(',');
    default: return '9'.repeat(k.maxLength! + 1);
  }
}

/** Whether the variant must produce a note for this key (an empty set or text is a valid value). */
const expectsNote = (k: KeySpec, variant: Variant) => !(variant === 'empty' && (k.kind === 'set' || k.kind === 'text'));

/** The query-string form of a stored value (as state.ts writes it). */
function serialized(k: KeySpec, v: unknown): string {
  if (k.kind === 'bool') return v ? '1' : '0';
  if (k.kind === 'set') return (v as string[]).join(',');
  if (k.kind === 'number') return String(Number((v as number).toPrecision(12)));
  return String(v);
}

/** What a cell shows: outputs, progress bars, figures and tables (not its messages). */
async function snapshot(cell: Locator): Promise<string> {
  return cell.evaluate((el) => {
    const parts: string[] = [];
    el.querySelectorAll('output, progress, svg, table, canvas, [aria-live]:not(.cell-messages)').forEach((n) => {
      if (n instanceof HTMLProgressElement) parts.push(`p${n.value}/${n.max}`);
      else if (n.localName === 'svg') parts.push(`svg${n.querySelectorAll('*').length}`);
      else if (n instanceof HTMLCanvasElement) parts.push(`c${n.width}`);
      else parts.push((n.textContent ?? '').trim());
    });
    return parts.join('|');
  });
}

/** Press the cell's first enabled button with Enter; it must produce output, and focus must stay in the cell. */
async function pressAndSeeOutput(page: Page, cell: Locator, where: string): Promise<void> {
  const button = cell.locator('button:enabled:visible').first();
  if (await button.count() === 0) return;
  const before = await snapshot(cell);
  const name = (await button.textContent())?.trim();
  await button.focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => snapshot(cell), { timeout: 90_000, message: `${where}: “${name}” produced no output` }).not.toBe(before);
  // Keyboard focus stays on a control of this cell (not <body>) whether or not the button disabled itself.
  await expect.poll(() => cell.evaluate((el) => el.contains(document.activeElement) && document.activeElement !== document.body),
    { timeout: 5_000, message: `${where}: focus left the cell after Enter on “${name}”` }).toBe(true);
  // Stop what it started, so the next cell finds the engine free.
  const enabled = (role: string) => cell.locator(`button[data-role="${role}"]:enabled:visible`);
  if (await enabled('stop').count()) await enabled('stop').first().click();
  else if (await enabled('cancel').count()) await enabled('cancel').first().click(); // a progress view's Cancel (progress.ts)
  else if (await enabled('pause').count()) await enabled('pause').first().click();
  if (await enabled('reset').count()) await enabled('reset').first().click();
  await expect.poll(() => cell.locator('button').first().isEnabled(), { timeout: 60_000, message: `${where}: “${name}” did not come back` }).toBe(true);
}

const chapters = sitePaths().filter((p) => p !== '/');

describe('every cell survives a hostile link', () => {
  for (const path of chapters) {
    it(`${path}: garbage, out-of-range and empty values give notes, a working cell, no error`, async () => {
      const first = await site.open(path);
      const stores = await storesOf(first.page);
      await first.context.close();
      for (const variant of ['garbage', 'out-of-range', 'empty'] as Variant[]) {
        const params = new URLSearchParams();
        const all = stores.flatMap((s) => s.keys.map((k) => ({ name: s.prefix ? `${s.prefix}.${k.key}` : k.key, k })));
        const firstEnum = all.findIndex(({ k }) => k.kind === 'enum');
        all.forEach(({ name, k }, i) => params.set(name, rawValue(k, variant, i, firstEnum)));
        // A fresh page each time: leaving a page aborts its downloads, which would read as failed requests.
        const { page, context, problems } = await site.open(`${path}?${params}`);
        const now = await storesOf(page);
        const url = new URL(page.url());
        for (const s of now) {
          const cell = page.locator(`[data-prefix="${s.prefix}"]`);
          const where = `${path} ${variant} ${s.prefix}`;
          // Cells carry their state prefix as data-prefix (the README's cell pattern).
          expect(await cell.count(), `${where}: no element with data-prefix="${s.prefix}"`).toBe(1);
          await cell.scrollIntoViewIfNeeded();
          const notes = (await cell.locator('.cell-msg').allTextContents()).join(' ');
          for (const k of s.keys) {
            // A text value's form is the cell's business (the matrix cell explains each bad entry): any note will do.
            if (expectsNote(k, variant)) expect(notes, `${where}.${k.key}: no note`).toContain(k.kind === 'text' && variant === 'garbage' ? '' : `${k.label}:`);
            if (expectsNote(k, variant) && k.kind === 'text') expect(notes, `${where}.${k.key}: no note`).not.toBe('');
            // The address shows what the cell now uses.
            expect(url.searchParams.get(`${s.prefix}.${k.key}`), `${where}.${k.key}: URL`).toBe(serialized(k, s.values[k.key]));
          }
          // A note names what was wrong: never empty quotes, never a whole 4,000-character value.
          expect(notes, `${where}: empty quotes in a note`).not.toContain('“”');
          expect(notes, `${where}: a note echoes a long value in full`).not.toMatch(/(.)\1{99}/);
          // No note runs past the cell's border, however long the value it quotes.
          const overflow = await cell.evaluate((el) => {
            const box = el.getBoundingClientRect();
            return [...el.querySelectorAll<HTMLElement>('.cell-msg')]
              .filter((m) => m.scrollWidth > m.clientWidth + 1 || m.getBoundingClientRect().right > box.right + 1)
              .map((m) => m.textContent!.slice(0, 80));
          });
          expect(overflow, `${where}: notes wider than the cell`).toEqual([]);
          if (variant === 'garbage') await pressAndSeeOutput(page, cell, where);
          expect((await snapshot(cell)), `${where}: NaN shown`).not.toMatch(/NaN|undefined/);
        }
        expect(problems, `${path} ${variant}:\n${problems.join('\n')}`).toEqual([]);
        await context.close();
      }
    });
  }
});

describe('links named in issue 13', () => {
  it('/merge-and-switch/: the switching cell survives ?sw.seed=-1, ?sw.steps=7, abc and 1e9', async () => {
    for (const query of ['sw.seed=-1', 'sw.steps=7', 'sw.steps=abc', 'sw.steps=1e9']) {
      const { page, context, problems } = await site.open(`/merge-and-switch/?${query}`);
      const cell = page.locator('task-switch');
      await cell.scrollIntoViewIfNeeded();
      expect(await cell.locator('.cell-msg[data-msg="url"]').textContent(), query).toMatch(/^(Seed|Steps per adapter): /);
      // The cell is alive: its base row fills in once the engine is up (it stayed "—" when the link killed it).
      await expect.poll(() => cell.locator('tr[data-row="none"] output').first().textContent(), { timeout: 60_000, message: query }).not.toBe('—');
      expect(problems, `${query}\n${problems.join('\n')}`).toEqual([]);
      await context.close();
    }
  });

  it('/mlp/: Enter on Train moves focus to Pause, and back to Train when the run ends', async () => {
    const { page, context, problems } = await site.open('/mlp/?mt.steps=20');
    const cell = page.locator('mlp-train');
    const focused = () => page.evaluate(() => `${document.activeElement?.localName}:${(document.activeElement as HTMLElement | null)?.dataset.role ?? ''}`);
    await cell.locator('button[data-role="train"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused, { timeout: 60_000 }).toBe('button:pause');
    await expect.poll(() => cell.locator('button[data-role="pause"]').isDisabled(), { timeout: 60_000 }).toBe(true);
    await expect.poll(focused, { timeout: 5_000 }).toBe('button:train');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('/mlp/: ArrowUp on the learning rate 0.001 gives 0.002 (not 1.00001001), ArrowDown 0.0009', async () => {
    const { page, context, problems } = await site.open('/mlp/');
    const lr = page.locator('mlp-train input[data-key="lr"]');
    expect(await lr.inputValue()).toBe('0.001');
    await lr.focus();
    await lr.press('ArrowUp');
    expect(await lr.inputValue()).toBe('0.002');
    expect(new URL(page.url()).searchParams.get('mt.lr')).toBe('0.002');
    await lr.press('ArrowDown');
    await lr.press('ArrowDown');
    expect(await lr.inputValue()).toBe('0.0009');
    expect(new URL(page.url()).searchParams.get('mt.lr')).toBe('0.0009');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('/rank/: a 5,000-digit ?mat.m= says why the default matrix is shown', async () => {
    const { page, context, problems } = await site.open(`/rank/?mat.m=${'7'.repeat(5000)}`);
    await page.locator('matrix-rank').scrollIntoViewIfNeeded();
    const note = page.locator('matrix-rank .cell-msg[data-msg="url"]');
    expect(await note.textContent()).toBe("Entries: the link's value is 5,000 characters long, more than the 1,600 this cell reads; using the default.");
    await expect.poll(() => page.locator('matrix-rank output[data-role="rank"]').textContent()).toBe('2');
    expect(problems).toEqual([]);
    await context.close();
  });
});
