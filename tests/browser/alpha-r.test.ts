// /alpha-r/: the α/r vs α/√r sweep produces curves and a computed summary; a large α diverges under SGD.
import { describe, expect, it } from 'vitest';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();

describe('/alpha-r/ cells', () => {
  it('the sweep trains each rank under both scalings and reports ‖ΔW‖ ratios', async () => {
    const { page, context, problems } = await site.openCell('/alpha-r/?ar.ranks=1,16&ar.steps=4', 'alpha-sweep');
    await page.locator('alpha-sweep').getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.locator('alpha-sweep output[data-role="progress"]').textContent(), { timeout: 120_000 }).toMatch(/^Done: 4 runs/);
    expect(await page.locator('alpha-sweep tbody tr').count()).toBe(2);
    const cells = await page.locator('alpha-sweep tbody output').allTextContents();
    // s under α/r at r = 16 is 8/16 = 0.5; under α/√r it is 8/4 = 2.
    expect(cells.slice(6)).toEqual([expect.stringMatching(/^0\.5$/), expect.any(String), expect.any(String), '2', expect.any(String), expect.any(String)]);
    for (const c of cells) expect(c).not.toBe('—');
    expect(await page.locator('alpha-sweep output[data-role="summary"]').textContent()).toMatch(/^In your run, under α\/r, the mean loss over the first 10 steps was [\d.]+ at r = 1 and [\d.]+ at r = 16, the final loss went from [\d.]+ to [\d.]+, and ‖ΔW‖ at r = 16 was [\d.]+× that at r = 1; under α\/√r, /);
    await expect.poll(() => page.locator('alpha-sweep [data-role="curves"] svg[role="img"], alpha-sweep [data-role="curves"] figure[role="img"]').count()).toBe(1);
    await expect.poll(() => page.locator('alpha-sweep [data-role="norms"] [role="img"]').count()).toBe(1);
    await expectNoProblemsAndClose(problems, context);
  });

  it('the α slider: a huge α under SGD diverges with a clear message; a small one trains', async () => {
    const { page, context, problems, cell } = await site.openCell('/alpha-r/?al.opt=sgd&al.log2alpha=12&al.steps=8', 'alpha-slider');
    expect(await cell.locator('output[data-role="alpha"]').textContent()).toBe('4,096');
    expect(await cell.locator('output[data-role="scale"]').textContent()).toBe('α/r = 4,096/8 = 512');
    await cell.getByRole('button', { name: 'Train with this α' }).click();
    await expect.poll(() => cell.locator('.cell-msg[data-tone="error"]').textContent(), { timeout: 90_000 }).toMatch(/diverged/);
    expect(await cell.locator('tbody tr.diverged').count()).toBe(1);
    const slider = cell.getByRole('slider', { name: 'α' });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => cell.locator('output[data-role="alpha"]').textContent()).toBe('1');
    expect(page.url()).toContain('al.log2alpha=0');
    await cell.getByRole('button', { name: 'Train with this α' }).click();
    await expect.poll(() => cell.locator('output[data-role="progress"]').textContent(), { timeout: 90_000 }).toMatch(/done/);
    const rows = await cell.locator('tbody tr').allTextContents();
    expect(rows[0]).toMatch(/^base/);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/^#2.*\d%$/);
    await cell.getByRole('button', { name: 'Clear runs' }).click();
    expect(await cell.locator('tbody tr').count()).toBe(0);
    await expectNoProblemsAndClose(problems, context);
  });
  it('the α slider: a run stopped part-way is reported as stopped, with the step it reached, not as done', async () => {
    const { context, problems, cell } = await site.openCell('/alpha-r/?al.steps=200', 'alpha-slider');
    await cell.getByRole('button', { name: 'Train with this α' }).click();
    const progress = cell.locator('output[data-role="progress"]');
    await expect.poll(() => progress.textContent(), { timeout: 90_000 }).toMatch(/step \d+ of 200/);
    await cell.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => progress.textContent(), { timeout: 90_000 }).toMatch(/^Run #1: .+ stopped at step \d+ of 200; /);
    const step = Number(/stopped at step (\d+)/.exec((await progress.textContent())!)![1]);
    expect(step).toBeLessThan(200);
    expect(await progress.textContent()).not.toMatch(/done/);
    const rows = await cell.locator('tbody tr').allTextContents();
    expect(rows[rows.length - 1]).toContain(`(stopped at step ${step})`);
    await expectNoProblemsAndClose(problems, context);
  });
});
