// The /merge-and-switch/ chapter's live cells, with short runs (CI has 2 cores).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();

/** "9.5 × 10⁻⁶" → 9.5e-6; "0 (bit-identical)" → 0. */
function parseDiff(text: string): number {
  if (text.startsWith('0 ')) return 0;
  const m = /^([\d.]+) × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(text);
  if (!m) throw new Error(`unexpected difference text: ${text}`);
  const exp = Number([...m[2]].map((c) => (c === '⁻' ? '-' : '⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(c))).join(''));
  return Number(m[1]) * 10 ** exp;
}

describe('/merge-and-switch/', () => {
  it('merges, times and unmerges: outputs agree to ~1e-6 and W₀ comes back', async () => {
    const { page, context, problems, cell } = await site.openCell('/merge-and-switch/?ml.steps=25&ml.repeats=10', 'merge-latency');
    await cell.locator('button[data-role="run"]').click();
    await expect.poll(() => cell.locator('output[data-role="progress"]').textContent(), { timeout: 120_000 }).toMatch(/^Done/);
    expect(parseDiff((await cell.locator('output[data-role="diff"]').textContent())!)).toBeLessThan(1e-4);
    expect(parseDiff((await cell.locator('output[data-role="restored"]').textContent())!)).toBeLessThan(1e-5);
    const [unmerged, merged] = (await cell.locator('output[data-role="score"]').textContent())!.split(' / ');
    expect(merged).toBe(unmerged);
    for (const batch of [1, 64]) {
      const row = cell.locator(`tr[data-batch="${batch}"]`);
      expect(await row.locator('output[data-role="merged"]').textContent()).toMatch(/^[\d.,]+ (ms|s)$/);
      expect(await row.locator('[data-spread="merged"]').textContent()).toMatch(/^spread [\d.,]+–[\d.,]+ (ms|s) · ([+−][\d.]+|±0)% vs base$/);
    }
    await expectNoProblemsAndClose(problems, context);
  });

  it('swapping adapters changes the accuracy shown; an adapter file round-trips; a corrupt file is refused and the page keeps working', async () => {
    const { page, context, problems, cell: sw } = await site.openCell('/merge-and-switch/?sw.steps=25', 'task-switch');
    const inUse = sw.locator('output[data-role="in-use"]');
    await expect.poll(() => inUse.textContent(), { timeout: 60_000 }).toMatch(/^no adapter \(swapped in .*\): [\d.]+% on plain digits\.$/);
    const cellOf = (row: string, col: string) => sw.locator(`tr[data-row="${row}"] output[data-col="${col}"]`);
    const baseRotated = Number((await cellOf('none', 'rotated').textContent())!.replace('%', ''));

    await sw.getByRole('button', { name: 'Train “Rotated digits”' }).click();
    await expect.poll(() => sw.locator('output[data-role="progress"]').textContent(), { timeout: 90_000 }).toMatch(/^Done/);
    await expect.poll(() => inUse.textContent(), { timeout: 30_000 }).toMatch(/^the rotated-digits adapter \(swapped in .*\): [\d.]+% on rotated digits\.$/);
    const adapted = Number((await cellOf('rotated', 'rotated').textContent())!.replace('%', ''));
    expect(adapted).toBeGreaterThan(baseRotated + 5);
    expect(await sw.locator('tr[data-row="rotated"]').getAttribute('class')).toContain('active');

    // One click swaps the base back in: the accuracy shown changes back.
    await sw.getByRole('radio', { name: 'None (base only)' }).check();
    await expect.poll(() => inUse.textContent(), { timeout: 30_000 }).toMatch(/^no adapter/);
    expect(await sw.getByRole('radio', { name: 'Inverted' }).isDisabled()).toBe(true);

    // Save the rotated adapter as a file and load it back: same scores as the adapter it came from.
    const files = page.locator('adapter-files');
    await files.scrollIntoViewIfNeeded();
    await files.getByRole('button', { name: 'Make the file' }).click();
    const link = files.locator('a[download]');
    await expect.poll(() => link.getAttribute('download'), { timeout: 30_000 }).toBe('lora-rotated-r8-25steps.lora');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = readFileSync((await download.path())!);
    expect(await files.locator('output[data-role="adapter-bytes"]').textContent()).toBe(`${bytes.length.toLocaleString('en-US')} bytes`);
    expect(await files.locator('output[data-role="base-bytes"]').textContent()).toBe('5,614,976 bytes');
    await files.getByLabel('Adapter file to load and use').setInputFiles({ name: 'mine.lora', mimeType: 'application/octet-stream', buffer: bytes });
    await expect.poll(() => files.locator('output[data-role="loaded-scores"]').textContent(), { timeout: 60_000 }).toMatch(/rotated digits [\d.]+%/);
    // Loading swaps the file's adapter in, and the switching cell says so.
    await expect.poll(() => inUse.textContent(), { timeout: 30_000 }).toMatch(/^the adapter from your file/);
    await expect.poll(() => cellOf('uploaded', 'rotated').textContent(), { timeout: 30_000 }).toBe(await cellOf('rotated', 'rotated').textContent());

    // A corrupt file: the engine's reason is shown, nothing else changes, and the page still works.
    const corrupt = Buffer.from(bytes);
    corrupt.fill(0x7b, 8, 40); // overwrite the start of the JSON header
    await files.getByLabel('Adapter file to load and use').setInputFiles({ name: 'broken.lora', mimeType: 'application/octet-stream', buffer: corrupt });
    const error = files.locator('.cell-msg[data-tone="error"]');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/^broken\.lora: This adapter file cannot be read: its header is not valid JSON\.$/);
    await files.getByLabel('Adapter file to load and use').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an adapter at all') });
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/^notes\.txt: .*does not start with "LLAD"/);
    expect(await files.locator('output[data-role="loaded"]').textContent()).toBe('notes.txt was not loaded.');
    await sw.getByRole('radio', { name: 'None (base only)' }).check();
    await expect.poll(() => inUse.textContent(), { timeout: 30_000 }).toMatch(/^no adapter/);
    await sw.getByRole('radio', { name: 'From your file' }).check();
    await expect.poll(() => inUse.textContent(), { timeout: 30_000 }).toMatch(/^the adapter from your file \(swapped in .*\): [\d.]+% on plain digits\.$/);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    await expectNoProblemsAndClose(problems, context);
  });
});
