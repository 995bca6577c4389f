// The /which-rank/ chapter's live cells, with short runs (CI has 2 cores).
import { describe, expect, it } from 'vitest';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();

describe('/which-rank/', () => {
  it('draws the cited Tables 5 and 6 as charts', async () => {
    const { page, context, problems, cell } = await site.openCell('/which-rank/', 'paper-tables');
    await expect.poll(() => cell.locator('[role="img"]').count(), { timeout: 30_000 }).toBe(4);
    expect(await cell.locator('caption').first().textContent()).toMatch(/LoRA paper, Table 5/);
    expect(await cell.locator('[data-role="t6-WikiSQL"] [role="img"]').getAttribute('aria-label')).toContain('68.8, 69.6, 70.5, 70.4, 70');
    await expectNoProblemsAndClose(problems, context);
  });

  it('a short rank sweep puts one point per rank on the chart and in the table', async () => {
    const { page, context, problems, cell } = await site.openCell('/which-rank/?rs.ranks=1,2&rs.tasks=rotated&rs.steps=25', 'rank-sweep');
    expect(await cell.locator('input[name="rs-ranks"]:checked').count()).toBe(2);
    await cell.getByRole('button', { name: 'Run the sweep' }).click();
    await expect.poll(() => cell.locator('output[data-role="progress"]').textContent(), { timeout: 90_000 }).toMatch(/^Done: 2 runs of 25 steps/);
    const chart = cell.locator('[data-task="rotated"] [role="img"]');
    await expect.poll(() => chart.locator('circle').count(), { timeout: 30_000 }).toBe(2);
    expect(await chart.getAttribute('aria-label')).toMatch(/r 1: \d+(\.\d)?%, r 2: \d+(\.\d)?%/);
    const rows = cell.locator('tbody[data-role="rows"] tr');
    expect(await rows.count()).toBe(2);
    // The rotated task starts near chance (10 classes); 25 steps of LoRA must already beat that clearly.
    const score = Number((await rows.nth(1).locator('td').nth(3).textContent())!.replace('%', ''));
    expect(score).toBeGreaterThan(15);
    expect(score).toBeLessThanOrEqual(100);
    // Running again with nothing new to train says so instead of retraining.
    await cell.getByRole('button', { name: 'Run the sweep' }).click();
    await expect.poll(() => cell.locator('.cell-msg').textContent(), { timeout: 30_000 }).toMatch(/already on the chart/);
    await expectNoProblemsAndClose(problems, context);
  });

  it('the target sweep recomputes equal-budget ranks when the budget changes', async () => {
    const { page, context, cell } = await site.openCell('/which-rank/', 'target-sweep');
    const rank = (id: string) => cell.locator(`tr[data-target="${id}"] output[data-role="rank"]`).textContent();
    // Budget: all three layers at rank 4 = 4·(1784 + 3000 + 2010) = 27,176; layer 1 alone: 27,176 / 1,784 ≈ 15.2.
    await expect.poll(() => rank('l1'), { timeout: 30_000 }).toBe('15');
    expect(await cell.locator('output[data-role="budget"]').textContent()).toMatch(/^27,176 trainable parameters/);
    await cell.getByLabel(/Budget: all three layers at rank/).selectOption('8');
    // 54,352 / 1,784 ≈ 30.5 → 30; / 3,000 ≈ 18.1 → 18; layer 3 stays capped at 10.
    await expect.poll(() => rank('l1'), { timeout: 30_000 }).toBe('30');
    expect(await rank('l2')).toBe('18');
    expect(await rank('l3')).toBe('10');
    expect(await cell.locator('tr[data-target="l3"]').getAttribute('class')).toContain('capped');
    expect(page.url()).toContain('ts.budget=8');
    await context.close();
  });

  it('compares the subspaces of trained adapters, then reuses them for ΔW against W', async () => {
    const { page, context, problems, cell: ss } = await site.openCell('/which-rank/?ss.steps=50&dw.steps=50', 'subspace-cell');
    await ss.locator('button[data-role="run"]').click();
    await expect.poll(() => ss.locator('output[data-role="progress"]').textContent(), { timeout: 120_000 }).toMatch(/^Done/);
    for (const role of ['ranks11', 'ranks88', 'seeds11', 'seeds6464']) {
      const v = Number(await ss.locator(`output[data-role="${role}"]`).textContent());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(await ss.locator('output[data-role="random6464"]').textContent()).toMatch(/expected 0\.08 = 64\/784/);
    await expect.poll(() => ss.locator('.heatmaps [role="img"]').count(), { timeout: 30_000 }).toBe(3);

    const dw = page.locator('deltaw-cell');
    await dw.scrollIntoViewIfNeeded();
    await dw.locator('button[data-role="run"]').click();
    await expect.poll(() => dw.locator('output[data-role="progress"]').textContent(), { timeout: 120_000 }).toMatch(/^Done/);
    const num = async (role: string) => Number((await dw.locator(`output[data-role="${role}"]`).textContent())!.replace(/,/g, ''));
    for (const r of [4, 64]) {
      // W's own top-r directions hold at least as much of W as any other r directions.
      expect(await num(`projW-${r}`)).toBeGreaterThanOrEqual(await num(`projDelta-${r}`));
      expect(await num(`projW-${r}`)).toBeLessThanOrEqual(await num('wNorm'));
      expect(await num(`amplification-${r}`)).toBeGreaterThan(0);
    }
    expect(await dw.locator('output[data-role="reading"]').textContent()).toMatch(/^At r = 4, the directions ΔW uses hold/);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b|Infinity/);
    await expectNoProblemsAndClose(problems, context);
  });
});
