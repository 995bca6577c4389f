// Issue 13's cell defects that only a browser shows: search's loose matches (item 14), the adapter
// file's refusal next to its input (item 10), chart axes and stale results (item 9), and /delta-w/'s
// Reset while training (item 15). Each failed on the code before the fix.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useSite, expectNoProblemsAndClose } from './harness';
import { unpackBinFile } from '../../src/core/binfile';

const site = useSite();

describe('search (item 14)', () => {
  it('reports no chapter for words the site does not have, typed key by key', async () => {
    const { page, context, problems } = await site.open('/');
    const box = page.getByRole('searchbox', { name: 'Search' });
    for (const word of ['banana', 'xyzzy', 'zzzqqq']) {
      await box.fill('');
      await box.pressSequentially(word, { delay: 20 });
      await expect.poll(() => page.locator('.search-status').textContent(), { timeout: 20_000 }).toBe(`No chapter mentions “${word}”.`);
      expect(await page.locator('.search-results > li').count()).toBe(0);
    }
    // A real word still finds its chapters.
    await box.fill('');
    await box.pressSequentially('merging', { delay: 20 });
    await expect.poll(() => page.locator('.search-results > li').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/merge-and-switch/ adapter file (item 10)', () => {
  it('shows why a file was refused next to the file input', async () => {
    const { page, context, problems, cell: files } = await site.openCell('/merge-and-switch/', 'adapter-files');
    const input = files.getByLabel('Adapter file to load and use');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an adapter at all') });
    const msg = files.locator('[data-role="load-messages"] .cell-msg[data-tone="error"]');
    await expect.poll(() => msg.textContent(), { timeout: 30_000 }).toMatch(/^notes\.txt: .*does not start with "LLAD"/);
    // Right under the input, not at the top of the cell.
    const [inputBox, msgBox] = [await input.boundingBox(), await msg.boundingBox()];
    expect(msgBox!.y).toBeGreaterThan(inputBox!.y);
    expect(msgBox!.y - (inputBox!.y + inputBox!.height)).toBeLessThan(80);
    expect(await input.getAttribute('aria-describedby')).toBe(await files.locator('[data-role="load-messages"]').getAttribute('id'));
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('charts (item 9)', () => {
  it('/rank/ spectrum: plain decimals on the singular values, a full-width chart, "an 8"', async () => {
    const { page, context, problems, cell } = await site.openCell(`/rank/?spec.digit=${EIGHT}`, 'spectrum-cell');
    const spectrum = cell.locator('[data-role="spectrum"] svg[viewBox]');
    await expect.poll(() => spectrum.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    // (renderPlot removes Plot's aria-labels, so the ticks are found by their text.)
    const texts = await spectrum.locator('text').allTextContents();
    expect(texts.some((t) => /^0\.\d+$/.test(t))).toBe(true); // was "200m"
    for (const t of texts) expect(t).not.toMatch(/^\d+(\.\d+)?[mµnk]$/); // "100m", "10µ": SI prefixes
    expect((await spectrum.boundingBox())!.width).toBeGreaterThan(600);
    expect(await cell.innerText()).toMatch(new RegExp(`Test digit no\\. ${EIGHT}, an 8, has rank`));
    await expectNoProblemsAndClose(problems, context);
  });

  it('/why-peft/ latency: millisecond ticks, whole facet labels, and no stale table after a change', async () => {
    const { page, context, problems, cell } = await site.openCell('/why-peft/?lat.samples=5', 'latency-cell');
    await cell.getByRole('button', { name: 'Measure' }).click();
    const progress = cell.locator('output[data-role="progress"]');
    await expect.poll(() => progress.textContent(), { timeout: 120_000 }).toMatch(/^Measured on .* m = 16 after layer 1/);
    const svg = cell.locator('[data-role="chart"] svg[viewBox]');
    await expect.poll(() => svg.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    for (const t of await svg.locator('text').allTextContents()) expect(t).not.toMatch(/^\d+(\.\d+)?[mµ]$/); // "400m"
    const facets = await svg.locator('text', { hasText: /^batch/ }).all();
    expect(facets.length).toBe(2);
    const frame = (await svg.boundingBox())!;
    for (const f of facets) {
      expect(await f.textContent()).toMatch(/^batch (1|64)$/);
      const b = (await f.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
    }
    await cell.locator('select[data-key="m"]').selectOption('64');
    await expect.poll(() => cell.locator('tr[data-variant="base"] [data-f="ms-1"]').textContent()).toBe('—');
    expect(await progress.textContent()).toBe('Settings changed: press Measure.');
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/delta-w/ (items 9, 15)', () => {
  it('no "0.000000" tick before training; Reset works while training', async () => {
    const { page, context, problems, cell } = await site.openCell('/delta-w/?dw.steps=200', 'delta-w-cell');
    const history = cell.locator('[data-role="history"] svg').last();
    await expect.poll(() => history.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await history.textContent()).not.toMatch(/0\.0000/);
    await cell.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => cell.locator('output[data-role="step"]').textContent(), { timeout: 60_000 }).not.toBe('0');
    const reset = cell.getByRole('button', { name: 'Reset' });
    expect(await reset.isEnabled()).toBe(true);
    await reset.click();
    await expect.poll(() => cell.getByRole('button', { name: 'Train' }).isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await cell.locator('output[data-role="step"]').textContent()).toBe('0');
    expect(await cell.locator('output[data-role="progress"]').textContent()).toMatch(/^Reset/);
    await expectNoProblemsAndClose(problems, context);
  });
});

const EIGHT = firstEight();
/** The index of the first 8 among the site's test digits (public/data), so the test does not hard-code it. */
function firstEight(): number {
  const { arrays } = unpackBinFile('LLDG', new Uint8Array(readFileSync('public/data/mnist-test.bin')), 'digit file');
  return (arrays.labels as Uint8Array).indexOf(8);
}

describe('layout (item 17)', () => {
  it('/why-peft/: the precision control stays on the rank’s row when the rank reaches three digits', async () => {
    const { page, context, problems, cell } = await site.openCell('/why-peft/?cost.r=4', 'cost-calc');
    const precision = cell.locator('select[data-key="prec"]');
    const before = (await precision.boundingBox())!.y;
    const slider = cell.locator('input[data-key="r"]');
    await slider.focus();
    await page.keyboard.press('End'); // r = 256
    await expect.poll(() => cell.locator('output[data-role="r"]').textContent()).toBe('256');
    expect((await precision.boundingBox())!.y).toBe(before);
    await expectNoProblemsAndClose(problems, context);
  });

  it('/qa-lora/: "Rank r" stays beside its slider at every width', async () => {
    for (const width of [375, 600, 800, 1024, 1280]) {
      const { page, context, cell } = await site.openCell('/qa-lora/', 'qalora-compare', { width });
      const label = (await cell.locator('label', { hasText: /^Rank/ }).boundingBox())!;
      const slider = (await cell.locator('input[data-key="rank"]').boundingBox())!;
      expect(Math.abs(label.y + label.height / 2 - (slider.y + slider.height / 2)), `width ${width}`).toBeLessThan(12);
      await context.close();
    }
  });
});

describe('/intrinsic-dimension/ sweep (item 7)', () => {
  it('shows the training loss while the sweep runs, and a square for the sweep in the legend', async () => {
    const { page, context, problems, cell } = await site.openCell('/intrinsic-dimension/?sw.steps=40', 'intrinsic-sweep');
    expect(await cell.locator('.legend .swatch.s2').evaluate((el) => getComputedStyle(el).borderRadius)).toBe('0px');
    await cell.getByRole('button', { name: 'Run the sweep' }).click();
    const loss = cell.locator('output[data-role="loss"]');
    await expect.poll(async () => `${await loss.textContent()} / ${await cell.getByRole('button', { name: 'Stop' }).isEnabled()}`, { timeout: 60_000 })
      .toMatch(/^\d+\.\d+ \/ true$/); // a number while the sweep is still running
    await cell.getByRole('button', { name: 'Stop' }).click();
    await expectNoProblemsAndClose(problems, context);
  });
});
