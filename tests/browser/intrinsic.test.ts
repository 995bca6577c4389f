// The /intrinsic-dimension/ chapter's live cells: a real subspace training run
// in the worker (accuracy appears, the page stays responsive), the d controls
// and the URL, and the sweep chart with the precomputed points.
import { describe, expect, it } from 'vitest';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();
const out = (role: string) => `intrinsic-run output[data-role="${role}"]`;

describe('/intrinsic-dimension/ single run', () => {
  it('shows D, d and d/D live and keeps d in the URL', async () => {
    const { page, context, problems } = await site.open('/intrinsic-dimension/');
    const exact = page.getByRole('spinbutton', { name: 'Subspace dimension d, exact value' });
    await exact.scrollIntoViewIfNeeded();
    expect(await page.locator(out('D')).textContent()).toBe('199,210');
    await exact.fill('1992');
    await exact.press('Tab');
    await expect.poll(() => page.locator(out('d')).textContent()).toBe('1,992');
    // 1,992 / 199,210 = 1.0 %, one in 100.
    await expect.poll(() => page.locator(out('share')).textContent()).toMatch(/^1(\.0+)?% \(1 in 100\)$/);
    expect(page.url()).toContain('id.d=1992');
    // The slider moves with it (it tops out at 2,000).
    expect(await page.getByRole('slider', { name: /Subspace dimension d/ }).inputValue()).toBe('1992');
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  });

  it('repairs a bad d from the URL and says so', async () => {
    const { page, context } = await site.openCell('/intrinsic-dimension/?id.d=500000', 'intrinsic-run');
    await expect.poll(() => page.locator('intrinsic-run .cell-msg[data-msg="url"]').textContent()).toMatch(/above the maximum 199210; using 199210/);
    expect(await page.locator(out('d')).textContent()).toBe('199,210');
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    await context.close();
  });

  it('trains at a small d in the worker, shows the accuracy, and the page stays responsive', async () => {
    const { page, context, problems } = await site.openCell('/intrinsic-dimension/?id.d=50&id.steps=60&id.seed=3', 'intrinsic-run');
    await expect.poll(() => page.locator(out('backend')).textContent(), { timeout: 60_000 }).toMatch(/WebAssembly, \d+ threads?|WebGL|WebGPU|CPU/);
    // The chart below loads Observable Plot when it comes near; let that finish first, so that what is
    // measured next is the page while the worker trains.
    await expect.poll(() => page.locator('intrinsic-sweep [data-role="chart"] [role="img"]').count(), { timeout: 30_000 }).toBe(1);
    // Watch the main thread from here on: long tasks, and how late a timer fires.
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; lateness: number[]; stopProbe: () => void };
      w.longTasks = [];
      w.lateness = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
      let last = performance.now();
      const id = setInterval(() => {
        const now = performance.now();
        w.lateness.push(now - last - 50);
        last = now;
      }, 50);
      w.stopProbe = () => clearInterval(id);
    });
    await page.getByRole('button', { name: 'Train in this subspace' }).click();
    await expect.poll(() => page.locator(out('progress')).textContent(), { timeout: 60_000 }).toMatch(/Step \d+ of 60/);
    // While it trains, a click handler on the page still runs promptly.
    const clickDelay = await page.evaluate(async () => {
      const t0 = performance.now();
      return new Promise<number>((resolve) => {
        const b = document.createElement('button');
        b.onclick = () => resolve(performance.now() - t0);
        document.body.append(b);
        b.click();
        b.remove();
      });
    });
    expect(clickDelay).toBeLessThan(100);
    const acc = page.locator(out('accuracy'));
    await expect.poll(() => acc.textContent(), { timeout: 120_000 }).toMatch(/^\d+(\.\d)?%$/);
    const value = Number((await acc.textContent())!.replace('%', ''));
    expect(value).toBeGreaterThan(15); // well above chance (10 %) after 60 steps
    expect(value).toBeLessThanOrEqual(100);
    expect(await page.locator(out('progress')).textContent()).toMatch(/Done: 60 steps/);
    expect(await page.locator(out('summary')).textContent()).toMatch(/50-dimensional random subspace/);
    const { longTasks, lateness } = await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; lateness: number[]; stopProbe: () => void };
      w.stopProbe();
      return { longTasks: w.longTasks, lateness: w.lateness };
    });
    expect(Math.max(0, ...longTasks)).toBeLessThan(200);
    expect(Math.max(0, ...lateness)).toBeLessThan(200);
    // The run appears on the sweep chart's table.
    await expect.poll(() => page.locator('intrinsic-sweep tbody[data-role="rows"]').textContent()).toMatch(/Your single run50\d/);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/intrinsic-dimension/ run controls', () => {
  it('pauses, resumes, stops with the accuracy at that step, and resets', async () => {
    const { page, context, problems, cell } = await site.openCell('/intrinsic-dimension/?id.d=20&id.steps=3000&id.seed=2', 'intrinsic-run');
    const progress = page.locator(out('progress'));
    await page.getByRole('button', { name: 'Train in this subspace' }).click();
    await expect.poll(() => progress.textContent(), { timeout: 60_000 }).toMatch(/^Step [1-9][\d,]* of 3,000/);
    await cell.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => progress.textContent()).toMatch(/^Paused at step/);
    await page.waitForTimeout(300); // the step under way when Pause was pressed finishes
    const bar = page.locator('intrinsic-run progress');
    const pausedAt = await bar.evaluate((b: HTMLProgressElement) => b.value);
    await page.waitForTimeout(700);
    expect(await bar.evaluate((b: HTMLProgressElement) => b.value)).toBe(pausedAt);
    await cell.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => bar.evaluate((b: HTMLProgressElement) => b.value)).toBeGreaterThan(pausedAt);
    await cell.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => progress.textContent(), { timeout: 60_000 }).toMatch(/^Stopped at step [\d,]+ of 3,000$/);
    expect(await page.locator(out('accuracy')).textContent()).toMatch(/^\d+(\.\d)?%$/);
    // Controls are usable again; Reset forgets the network.
    expect(await page.getByRole('button', { name: 'Train in this subspace' }).isEnabled()).toBe(true);
    await cell.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => progress.textContent()).toBe('Not started');
    expect(await page.locator(out('accuracy')).textContent()).toBe('—');
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/intrinsic-dimension/ sweep', () => {
  it('draws the precomputed sweep with its d90 and labels it', async () => {
    const { page, context, problems, cell } = await site.openCell('/intrinsic-dimension/', 'intrinsic-sweep');
    await expect.poll(() => cell.locator('[data-role="chart"] [role="img"]').count(), { timeout: 30_000 }).toBe(1);
    const label = await cell.locator('[data-role="chart"] [role="img"]').getAttribute('aria-label');
    expect(label).toMatch(/Script \(full MNIST\): d [\d,]+: \d/);
    expect(await cell.locator('output[data-role="script-d90"]').textContent()).toMatch(/^[\d,]+$|^not reached$/);
    // The caption says when and how the points were computed, without build-tool names (issue 13, item 16).
    expect(await page.locator('figcaption').filter({ hasText: 'Precomputed points, computed ahead of time on' }).count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toMatch(/npm run|src\/engine|LoraModel\.swap|paramSummary/);
    // Changing the list of d writes the URL.
    await cell.getByLabel('Values of d').selectOption('wide');
    expect(page.url()).toContain('sw.list=wide');
    await expectNoProblemsAndClose(problems, context);
  });

  it('runs a short sweep: baseline first, then points and a d90 read-off', async () => {
    const { page, context, problems, cell } = await site.openCell('/intrinsic-dimension/?sw.list=quick&sw.steps=20&sw.seed=1', 'intrinsic-sweep');
    await cell.getByRole('button', { name: 'Run the sweep' }).click();
    await expect.poll(() => cell.locator('output[data-role="baseline"]').textContent(), { timeout: 120_000 }).toMatch(/^\d+(\.\d)?%$/);
    await expect.poll(() => cell.locator('output[data-role="progress"]').textContent(), { timeout: 180_000 }).toMatch(/^Done: direct training and 5 subspace runs/);
    const rows = (await cell.locator('tbody[data-role="rows"]').textContent()) ?? '';
    expect(rows.match(/Your sweep/g)?.length).toBe(5);
    expect(await cell.locator('output[data-role="threshold"]').textContent()).toMatch(/^\d+(\.\d)?%$/);
    expect(await cell.locator('output[data-role="d90"]').textContent()).toMatch(/^[\d,]+( \(crossing near [\d,]+\))?$|^not reached/);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    await expectNoProblemsAndClose(problems, context);
  });
});
