// The /your-handwriting/ chapter, as a reader uses it: draw digits with the mouse, see the processed
// image and the base model's reading, collect a small personal set in a made-up style, train an
// adapter (held-out drawings rise), switch it, save and load adapter and drawings files, and get a
// clear message for bad files. Short runs (CI has 2 cores).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { useSite, expectNoProblemsAndClose } from './harness';
import { drawShape } from '../unit/handwriting-shapes';
import { addDrawing, serializeDrawings, withArticle, type Drawing } from '../../src/core/handwriting/drawings';

const site = useSite();

async function draw(page: Page, label: number, seed: number): Promise<void> {
  const pad = page.locator('canvas[data-role="pad"]');
  const box = (await pad.boundingBox())!;
  const k = box.width / 280;
  for (const stroke of drawShape(label, seed)) {
    const [x0, y0] = stroke[0];
    await page.mouse.move(box.x + x0 * k, box.y + y0 * k);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * k, box.y + y * k, { steps: 6 });
    await page.mouse.up();
  }
}

/** Sum of the red channel of a 28×28 canvas: 0 when it is blank. */
const ink = (page: Page, role: string) =>
  page.locator(`canvas[data-role="${role}"]`).evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i];
    return s;
  });

const correct = (text: string | null) => Number(/^(\d+) of /.exec(text ?? '')?.[1] ?? NaN);

describe('/your-handwriting/', () => {
  it('draws, reads, collects a personal set, trains an adapter that reads it better, and swaps adapter files', async () => {
    const { page, context, problems } = await site.open('/your-handwriting/?hw.steps=60');
    // Count the table's scoring jobs (each reads every MNIST test digit once per model).
    await page.evaluate(() => {
      const post = Worker.prototype.postMessage;
      const w = window as unknown as { tableJobs: number };
      w.tableJobs = 0;
      Worker.prototype.postMessage = function (this: Worker, m: unknown, ...rest: unknown[]) {
        if ((m as { job?: string })?.job === 'handwriting.table') w.tableJobs++;
        return (post as (...a: unknown[]) => void).apply(this, [m, ...rest]);
      } as typeof post;
    });
    const tableJobs = () => page.evaluate(() => (window as unknown as { tableJobs: number }).tableJobs);
    const pad = page.locator('handwriting-pad');
    await pad.scrollIntoViewIfNeeded();
    const reading = pad.locator('output[data-role="reading"]');
    expect(await ink(page, 'processed')).toBe(0);
    expect(await pad.getByRole('button', { name: 'Add to my set' }).isDisabled()).toBe(true);

    // One drawing: a non-empty 28×28 input and a prediction with ten bars.
    await draw(page, 2, 1);
    await expect.poll(() => reading.textContent(), { timeout: 60_000 }).toMatch(/^Reads \d, probability [\d.]+%\.$/);
    expect(await ink(page, 'processed')).toBeGreaterThan(0);
    expect(await ink(page, 'naive')).toBeGreaterThan(0);
    await expect.poll(() => pad.locator('[data-role="probs"] svg[role="img"]').getAttribute('aria-label')).toMatch(/^Probabilities for digits 0 to 9: 0 [\d.]+%/);
    await pad.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => reading.textContent()).toBe('Draw a digit first: the pad is empty.');
    expect(await ink(page, 'processed')).toBe(0);

    // A personal set: three each of a 2 written as "Z", a 4 as "+", a 7 as "Γ" (the third held out).
    for (let round = 1; round <= 3; round++) {
      for (const label of [2, 4, 7]) {
        await draw(page, label, round);
        await expect.poll(() => reading.textContent(), { timeout: 30_000 }).toMatch(/^Reads \d/);
        await pad.getByLabel('This drawing is a').selectOption(String(label));
        await pad.getByRole('button', { name: 'Add to my set' }).click();
        await expect.poll(() => pad.locator('.cell-msg[data-msg="add"]').textContent()).toMatch(new RegExp(`^Added a ${label}`));
      }
    }
    const held = pad.locator('tr[data-role="held-row"] td');
    expect(await held.allTextContents()).toEqual(['0', '0', '1', '0', '1', '0', '0', '1', '0', '0']);
    // The table far below was not scored nine times over while the set grew.
    expect(await tableJobs()).toBe(0);

    // One more drawing in the made-up style left on the pad (not added): the first the base misreads,
    // so that the adapter's reading can differ from the base's.
    let byBase = '';
    for (const [label, seed] of [[4, 4], [7, 4], [2, 4], [4, 5], [7, 5], [2, 5]]) {
      await pad.getByRole('button', { name: 'Clear' }).click();
      await draw(page, label, seed);
      // The reading of the finished drawing, not of a stroke still on its way: unchanged for 1.5 s.
      await expect.poll(async () => {
        const before = await reading.textContent();
        await page.waitForTimeout(1500);
        return before?.startsWith('Reads') && before === (await reading.textContent());
      }, { timeout: 60_000 }).toBe(true);
      byBase = (await reading.textContent())!;
      if (!byBase.startsWith(`Reads ${label},`)) break;
    }

    // Train: progress, then base vs adapter on the held-out drawings and on MNIST.
    const train = page.locator('handwriting-train');
    await train.scrollIntoViewIfNeeded();
    // Before any run: no "Training" bar and no Cancel that would do nothing; the shared backend line.
    expect(await train.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(false);
    expect(await train.getByRole('progressbar').isVisible()).toBe(false);
    expect(await train.locator('engine-backend .engine-backend').textContent()).toMatch(/^Backend: /);
    await train.getByRole('button', { name: 'Train my adapter' }).click();
    await expect.poll(() => train.locator('.job-progress-status').textContent(), { timeout: 120_000 }).toBe('Trained 60 steps.');
    expect(await train.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(false);
    const out = (role: string) => train.locator(`output[data-role="${role}"]`).textContent();
    await expect.poll(() => out('held-adapter'), { timeout: 30_000 }).toMatch(/^\d of 3 \([\d.]+%\)$/);
    expect(correct(await out('held-adapter'))).toBeGreaterThan(correct(await out('held-base')));
    expect(await out('mnist-base')).toMatch(/^\d+ of 1,000 \([\d.]+%\)$/);
    expect(await out('mnist-adapter')).toMatch(/^\d+ of 1,000 \([\d.]+%\)$/);
    expect(await train.getByLabel(/Adapter on/).isChecked()).toBe(true);
    expect(await pad.getByLabel('Read with').inputValue()).toBe('mine');
    // The pad's reading is the adapter's now, without touching the pad.
    await expect.poll(() => reading.textContent(), { timeout: 30_000 }).not.toBe(byBase);
    const byMine = await reading.textContent();
    expect(byMine).toMatch(/^Reads \d, probability [\d.]+%\.$/);
    // The switch: off, and the pad is read by the base again (the same figures as before training).
    await train.getByLabel(/Adapter on/).uncheck();
    expect(await pad.getByLabel('Read with').inputValue()).toBe('base');
    await expect.poll(() => reading.textContent(), { timeout: 30_000 }).toBe(byBase);
    await train.getByLabel(/Adapter on/).check();
    await expect.poll(() => reading.textContent(), { timeout: 30_000 }).toBe(byMine);

    // Save the adapter and the drawings, load both back: the table gains a row and a column.
    const swap = page.locator('handwriting-swap');
    await swap.scrollIntoViewIfNeeded();
    expect(await swap.locator('output[data-role="adapter-link"]').textContent()).toBe('Your adapter is ready: “Make my adapter file” writes it.');
    await swap.getByLabel('Your name in the file names').pressSequentially('Ada');
    await swap.getByRole('button', { name: 'Make my adapter file' }).click();
    const adapterLink = swap.locator('output[data-role="adapter-link"] a[download]');
    await expect.poll(() => adapterLink.getAttribute('download'), { timeout: 30_000 }).toBe('handwriting-ada-r4.lora');
    const [dl] = await Promise.all([page.waitForEvent('download'), adapterLink.click()]);
    const bytes = readFileSync((await dl.path())!);
    expect(await swap.locator('output[data-role="adapter-bytes"]').textContent()).toMatch(new RegExp(`^${bytes.length.toLocaleString('en-US')} bytes \\(the base is \\d+× larger\\)$`));
    await swap.getByRole('button', { name: 'Make my drawings file' }).click();
    const drawingsLink = swap.locator('output[data-role="drawings-link"] a[download]');
    const [dl2] = await Promise.all([page.waitForEvent('download'), drawingsLink.click()]);
    const drawings = readFileSync((await dl2.path())!);

    const row = (id: string) => swap.locator(`tr[data-adapter="${id}"] td`);
    await expect.poll(() => row('mine').count(), { timeout: 30_000 }).toBe(2);
    await swap.getByLabel('Adapter files (classmates’ or your own)').setInputFiles({ name: 'ada.lora', mimeType: 'application/octet-stream', buffer: bytes });
    // What each file input loaded or refused shows under that input.
    const adapterBox = swap.locator('.hw-file[data-role="adapter-files"]');
    const drawingBox = swap.locator('.hw-file[data-role="drawing-files"]');
    await expect.poll(() => adapterBox.locator('.cell-msg[data-msg="loaded"]').textContent(), { timeout: 30_000 }).toMatch(/^Loaded ada\.lora \(rank 4, [\d,]+ parameters/);
    await swap.getByLabel('Classmates’ drawings files (scored in the table)').setInputFiles({ name: 'ada.json', mimeType: 'application/json', buffer: drawings });
    await expect.poll(() => row('file-1').count(), { timeout: 60_000 }).toBe(3);
    await expect.poll(async () => (await row('file-1').allTextContents()).join(' | '), { timeout: 60_000 }).toBe((await row('mine').allTextContents()).join(' | '));
    expect(await swap.locator('thead th').allTextContents()).toEqual(['Model', 'your drawings (3 held out)', 'Ada (3 held out)', 'MNIST test digits']);
    await expect.poll(() => swap.locator('output[data-role="table-status"]').textContent(), { timeout: 60_000 })
      .toBe('3 models scored on 2 sets of drawings and on the 1,000 MNIST test digits.');
    // The loaded adapter can read the pad too.
    expect(await pad.getByLabel('Read with').locator('option').allTextContents()).toEqual(['the base model only', 'the base + your adapter', 'the base + ada.lora']);

    // Bad files: the reason, and nothing already loaded changes.
    await swap.getByLabel('Adapter files (classmates’ or your own)').setInputFiles({ name: 'cut.lora', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, 200) });
    // The refusal sits under the adapter input, and the earlier "Loaded ada.lora" there is gone.
    const error = adapterBox.locator('.cell-msg[data-tone="error"]');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/^Not loaded: cut\.lora: /);
    expect(await adapterBox.locator('.cell-msg[data-msg="loaded"]').count()).toBe(0);
    expect(await swap.locator(':scope > .cell-messages .cell-msg').count()).toBe(0);
    await swap.getByLabel('Classmates’ drawings files (scored in the table)').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"other"}') });
    await expect.poll(() => drawingBox.locator('.cell-msg[data-tone="error"]').textContent(), { timeout: 30_000 }).toBe('Not loaded: notes.json: This is not a LoRA, live drawings file.');
    expect(await drawingBox.locator('.cell-msg[data-msg="loaded"]').count()).toBe(0);
    // The same adapter file again: refused, not a second row of the same numbers.
    await swap.getByLabel('Adapter files (classmates’ or your own)').setInputFiles({ name: 'ada (1).lora', mimeType: 'application/octet-stream', buffer: bytes });
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toBe('Not loaded: ada (1).lora: This is the same adapter as ada.lora, which is already loaded.');
    expect(await swap.locator('tbody tr').count()).toBe(3);
    expect(await swap.locator('thead th').count()).toBe(4);
    expect(await pad.getByLabel('Read with').locator('option').count()).toBe(3);
    // Forgetting the loaded files leaves your own adapter and drawings; a pad read by a forgotten
    // file is read by the base again.
    await pad.getByLabel('Read with').selectOption('file-1');
    await expect.poll(() => reading.textContent(), { timeout: 30_000 }).toBe(byMine);
    await swap.getByRole('button', { name: 'Forget the loaded files' }).click();
    await expect.poll(() => reading.textContent(), { timeout: 30_000 }).toBe(byBase);
    await expect.poll(() => swap.locator('output[data-role="table-status"]').textContent(), { timeout: 60_000 })
      .toBe('2 models scored on 1 set of drawings and on the 1,000 MNIST test digits.');
    expect(await swap.locator('thead th').count()).toBe(3);
    expect(await pad.getByLabel('Read with').locator('option').count()).toBe(2);

    // With every part filled in (chart, results, table, messages): no serious accessibility violations.
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // The set is kept in this browser: a reload shows the same counts.
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    expect(problems).toEqual([]);
    await page.reload();
    await page.locator('handwriting-pad').scrollIntoViewIfNeeded();
    expect(await page.locator('handwriting-pad tr[data-role="held-row"] td').allTextContents()).toEqual(['0', '0', '1', '0', '1', '0', '0', '1', '0', '0']);
    await expectNoProblemsAndClose(problems, context);
  });

  it('the keyboard route: a sample digit is read, labelled and added without drawing', async () => {
    const { page, context, problems } = await site.open('/your-handwriting/');
    const pad = page.locator('handwriting-pad');
    await pad.getByRole('button', { name: 'Show a sample digit' }).focus();
    await page.keyboard.press('Enter');
    const reading = pad.locator('output[data-role="reading"]');
    await expect.poll(() => reading.textContent(), { timeout: 60_000 }).toMatch(/^Reads \d, probability [\d.]+%\.$/);
    const msg = (await pad.locator('.cell-msg[data-msg="sample"]').textContent())!;
    const label = /an? (\d);/.exec(msg)![1];
    expect(await pad.getByLabel('This drawing is a').inputValue()).toBe(label);
    await pad.getByRole('button', { name: 'Add to my set' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => pad.locator('.cell-msg[data-msg="add"]').textContent()).toBe(`Added ${withArticle(Number(label))}, for training.`);
    // Add disabled itself; focus went back to "Show a sample digit", not to <body>.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Show a sample digit');
    // The label stays the sample's digit: that digit still needs two drawings.
    expect(await pad.getByLabel('This drawing is a').inputValue()).toBe(label);
    expect(await pad.locator('tr[data-role="train-row"] td').nth(Number(label)).textContent()).toBe('1');
    const train = page.locator('handwriting-train');
    await train.getByRole('button', { name: 'Train my adapter' }).click();
    await expect.poll(() => train.locator('.cell-msg').textContent()).toMatch(/^Add a third drawing of any digit — you have 1 for training and none kept aside\./);
    // The cell's visible status line says why too, not only the message region.
    expect(await train.locator('output[data-role="summary"]').textContent()).toBe(await train.locator('.cell-msg').textContent());

    // Drawings from a file join the set (keeping their split); a damaged file is refused and changes nothing.
    const swap = page.locator('handwriting-swap');
    const restore = swap.getByLabel('Drawings file to add to your own set');
    const file = serializeDrawings([1, 2, 3].reduce<Drawing[]>((s, i) => addDrawing(s, 5, new Uint8Array(784).fill(i)), []), 'Bo');
    await restore.setInputFiles({ name: 'bo.json', mimeType: 'application/json', buffer: Buffer.from(file.slice(0, -30)) });
    await expect.poll(() => swap.locator('.hw-file[data-role="restore"] .cell-msg[data-tone="error"]').textContent()).toBe('bo.json was not added: This is not a drawings file: it is not valid JSON (perhaps cut short).');
    expect(await pad.locator('tr[data-role="train-row"] td').nth(5).textContent()).toBe('0');
    await restore.setInputFiles({ name: 'bo.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await expect.poll(() => swap.locator('.hw-file[data-role="restore"] .cell-msg[data-msg="loaded"]').textContent()).toBe('Added 3 drawings from bo.json to your set.');
    expect(await swap.locator('.hw-file[data-role="restore"] .cell-msg[data-tone="error"]').count()).toBe(0);
    expect(await pad.locator('tr[data-role="train-row"] td').nth(5).textContent()).toBe(label === '5' ? '3' : '2');
    expect(await pad.locator('tr[data-role="held-row"] td').nth(5).textContent()).toBe('1');
    await expectNoProblemsAndClose(problems, context);
  });

  it('keeps the chosen label while that digit needs drawings, says when it moves on, and counts the set as it is', async () => {
    const { page, context, problems, cell: pad } = await site.openCell('/your-handwriting/', 'handwriting-pad');
    const labelSel = pad.getByLabel('This drawing is a');
    const prompt = pad.locator('output[data-role="prompt"]');
    const reading = pad.locator('output[data-role="reading"]');
    expect(await labelSel.inputValue()).toBe('0');
    // Three 0s in a row, added with the keyboard: the label stays 0 (it used to jump to 1, 2).
    for (let i = 1; i <= 3; i++) {
      await pad.getByRole('button', { name: 'Clear' }).click();
      await draw(page, 2, i);
      await expect.poll(() => reading.textContent(), { timeout: 60_000 }).toMatch(/^Reads \d/);
      await pad.getByRole('button', { name: 'Add to my set' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => pad.locator('tr[data-role="train-row"] td').nth(0).textContent()).toBe(String(Math.min(i, 2)));
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Show a sample digit');
      if (i < 3) {
        expect(await labelSel.inputValue()).toBe('0');
        expect(await prompt.textContent()).toContain(`Next: draw a 0 (${i + 1} of 3).`);
      }
    }
    // Done with 0s: the label moves to 1, and the prompt (a live region) says so.
    expect(await labelSel.inputValue()).toBe('1');
    expect(await prompt.textContent()).toMatch(/^3 drawings so far\. Enough of digit 0; the label below is now 1\. Next: draw a 1 \(1 of 3\)\./);
    expect(await pad.locator('tr[data-role="held-row"] td').nth(0).textContent()).toBe('1');

    // "an 8": three of every other digit from a file leaves the 8s to draw.
    const swap = page.locator('handwriting-swap');
    const restore = swap.getByLabel('Drawings file to add to your own set');
    const fileOf = (counts: (d: number) => number) => {
      let set: Drawing[] = [];
      for (let d = 0; d < 10; d++) for (let i = 0; i < counts(d); i++) set = addDrawing(set, d, new Uint8Array(784).fill(d + i));
      return Buffer.from(serializeDrawings(set, 'file'));
    };
    await restore.setInputFiles({ name: 'a.json', mimeType: 'application/json', buffer: fileOf((d) => (d === 0 || d === 8 ? 0 : 3)) });
    await expect.poll(() => prompt.textContent()).toContain('Next: draw an 8 (1 of 3).');
    // Then a file with 3 more of every digit and 6 of the 8s: six of every digit, as the table shows.
    await restore.setInputFiles({ name: 'b.json', mimeType: 'application/json', buffer: fileOf((d) => (d === 8 ? 6 : d === 0 ? 3 : 3)) });
    await expect.poll(() => prompt.textContent()).toBe('60 drawings: six of every digit. Train your adapter below, or add more.');
    await expectNoProblemsAndClose(problems, context);
  });
});
