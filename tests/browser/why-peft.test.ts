// /why-peft/: the cost calculator, the prefix budget and the latency measurement.
import { describe, expect, it } from 'vitest';
import { useSite, expectNoProblemsAndClose } from './harness';

const site = useSite();
const lora = (row: string) => `cost-calc tr[data-row="${row}"] output[data-f="lora"]`;

describe('/why-peft/ cost calculator', () => {
  it('GPT-3, W_q and W_v: 18,874,368 at r = 4; one more rank adds 4,718,592; no matrix → a message', async () => {
    const { page, context, problems } = await site.openCell('/why-peft/', 'cost-calc');
    expect(await page.locator(lora('trainable')).textContent()).toBe('18,874,368');
    expect(await page.locator(lora('file')).textContent()).toBe('37.7 MB (36 MiB)');
    const slider = page.getByRole('slider', { name: /rank r/i });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator(lora('trainable')).textContent()).toBe('23,592,960');
    expect(page.url()).toContain('cost.r=5');
    await page.getByLabel('Precision').selectOption('fp32');
    await expect.poll(() => page.locator(lora('file')).textContent()).toMatch(/^94\.4 MB/);
    await page.locator('cost-calc [data-role="mats"] input[value="q"]').uncheck();
    await expect.poll(() => page.locator(lora('trainable')).textContent()).toBe('11,796,480');
    await page.locator('cost-calc [data-role="mats"] input[value="v"]').uncheck();
    await expect.poll(() => page.locator('cost-calc .cell-msg[data-tone="error"]').textContent()).toMatch(/at least one matrix/);
    expect(await page.locator(lora('trainable')).textContent()).toBe('—');
    await page.getByLabel('Model').first().selectOption('mlp');
    await expect.poll(() => page.locator(lora('trainable')).textContent()).toBe(String((5 * (1784 + 3000 + 2010)).toLocaleString('en-US')));
    expect(await page.locator('cost-calc [data-role="mats"]').isHidden()).toBe(true);
    await expect.poll(() => page.locator('cost-calc [data-role="chart"] svg[role="img"]').count()).toBe(1);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/why-peft/ prefix budget', () => {
  it('more prefix tokens leave fewer for the task; the whole context leaves none', async () => {
    const { page, context, problems } = await site.openCell('/why-peft/?pfx.lp=100&pfx.li=0', 'prefix-budget');
    expect(await page.locator('prefix-budget output[data-role="task"]').textContent()).toBe('1,948');
    expect(await page.locator('prefix-budget output[data-role="trainable"]').textContent()).toBe('1,228,800');
    await page.locator('prefix-budget input[data-key="li"]').fill('8');
    await page.locator('prefix-budget input[data-key="li"]').press('Enter'); // a typed number applies on commit
    await expect.poll(() => page.locator('prefix-budget output[data-role="task"]').textContent()).toBe('1,940');
    await page.getByLabel('Model').nth(1).selectOption('gpt2-medium');
    await expect.poll(() => page.locator('prefix-budget output[data-role="task"]').textContent()).toBe('916');
    await page.locator('prefix-budget input[data-key="lp"]').fill('1024');
    await expect.poll(() => page.locator('prefix-budget output[data-role="task"]').textContent()).toBe('0');
    expect(await page.locator('prefix-budget .cell-msg').last().textContent()).toMatch(/No positions are left/);
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/why-peft/ latency', () => {
  it('measures the four models at batch 1 and 64 and shows milliseconds', async () => {
    const { page, context, problems } = await site.openCell('/why-peft/?lat.samples=5&lat.m=4', 'latency-cell');
    await page.getByRole('button', { name: 'Measure' }).click();
    await expect.poll(() => page.locator('latency-cell output[data-role="progress"]').textContent(), { timeout: 90_000 }).toMatch(/^Measured on/);
    const ms = await page.locator('latency-cell output[data-f^="ms-"]').allTextContents();
    expect(ms).toHaveLength(8);
    for (const t of ms) expect(t).toMatch(/^\d[\d,.]* (ms|s)$/);
    expect(await page.locator('latency-cell output[data-role="summary"]').textContent()).toMatch(/same logits up to \d/);
    await expect.poll(() => page.locator('latency-cell [data-role="chart"] svg[role="img"]').count()).toBe(1);
    expect(page.url()).toContain('lat.samples=5');
    await expectNoProblemsAndClose(problems, context);
  });
});

describe('/why-peft/ on a phone', () => {
  it('fills the first cell at load, but loads the charting library only when a chart comes near the screen', async () => {
    // 412 × 823 is Lighthouse's phone. The cost calculator starts within a screen of the top; its
    // chart sits lower, more than a screen away. Plot (~380 kB) is for the reader who scrolls there.
    const { page, context, problems } = await site.open('/why-peft/', { width: 412, height: 823 });
    // Plot's chunk is the only script of over 300 kB the page itself loads (tfjs loads in the worker).
    const plotLoaded = () => page.evaluate(() => performance.getEntriesByType('resource')
      .some((r) => r.name.endsWith('.js') && (r as PerformanceResourceTiming).decodedBodySize > 300_000));
    await page.locator('cost-calc[data-ready]').waitFor({ state: 'attached' }); // its script has run and asked for its chart
    expect(await page.locator(lora('trainable')).textContent()).toBe('18,874,368');
    await page.waitForTimeout(1500);
    expect(await plotLoaded()).toBe(false);
    expect(await page.locator('.plot-container').count()).toBe(0);
    await page.locator('cost-calc [data-role="chart"]').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('cost-calc [data-role="chart"] svg[role="img"]').count()).toBe(1);
    expect(await plotLoaded()).toBe(true);
    await expectNoProblemsAndClose(problems, context);
  });

  it('the Print button draws every chart first, at its full width, so the handout has every figure', async () => {
    const { page, context, problems } = await site.open('/why-peft/', { width: 412, height: 823 });
    await page.locator('cost-calc[data-ready]').waitFor({ state: 'attached' });
    // What the page holds when the print dialog would open (the dialog itself is replaced).
    await page.evaluate(() => {
      window.print = () => {
        const svg = document.querySelector<SVGSVGElement>('cost-calc [data-role="chart"] svg[role="img"]');
        document.body.dataset.printedChart = svg ? String(Math.round(svg.getBoundingClientRect().width)) : 'none';
      };
    });
    expect(await page.locator('cost-calc [data-role="chart"] svg').count()).toBe(0);
    await page.locator('.chapter-tools [data-role="print"]').click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.printedChart ?? '')).not.toBe('');
    const width = Number(await page.evaluate(() => document.body.dataset.printedChart));
    const column = await page.locator('cost-calc [data-role="chart"]').evaluate((el) => el.clientWidth);
    expect(width).toBeGreaterThan(column * 0.9);
    expect(await page.evaluate(() => document.documentElement.classList.contains('printing'))).toBe(false);
    await expectNoProblemsAndClose(problems, context);
  });

  it('a chart cleared before it came near stays empty when the reader scrolls to it', async () => {
    const { page, context, problems } = await site.open('/why-peft/', { width: 412, height: 823 });
    await page.locator('cost-calc[data-ready]').waitFor({ state: 'attached' });
    // Untick both matrices without scrolling (a click on each box, as from a keyboard far above the chart):
    // the cell has nothing to draw, while the chart it asked for at load is still waiting to come near.
    await page.evaluate(() => {
      for (const m of ['q', 'v']) document.querySelector<HTMLInputElement>(`cost-calc [data-role="mats"] input[value="${m}"]`)!.click();
    });
    await expect.poll(() => page.locator('cost-calc .cell-msg[data-tone="error"]').textContent()).toMatch(/at least one matrix/);
    await page.locator('cost-calc [data-role="chart"]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    expect(await page.locator('cost-calc [data-role="chart"] svg').count()).toBe(0);
    await page.locator('cost-calc [data-role="mats"] input[value="q"]').check();
    await expect.poll(() => page.locator('cost-calc [data-role="chart"] svg[role="img"]').count()).toBe(1);
    await expectNoProblemsAndClose(problems, context);
  });
});
