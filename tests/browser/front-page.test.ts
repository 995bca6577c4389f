// The front page's live figure, used as a reader would: keyboard on the labelled slider, the
// announced counts, the drawn matrices, and the rank in the address.
import { describe, expect, it } from 'vitest';
import { useSite } from './harness';

const site = useSite();

describe('/ LoRA at a glance', () => {
  it('grows B and A with the rank, recomputes ΔW and announces the counts', async () => {
    const { page, context, problems } = await site.open('/');
    const fig = page.locator('lora-glance');
    const slider = page.getByRole('slider', { name: /Rank r/ });
    const said = fig.locator('[data-role="said"]');
    await expect.poll(() => said.textContent()).toMatch(/^Rank 2: B and A hold 2 × \(12 \+ 16\) = 56 numbers, 29\.2% of the 192 in W₀\. For one of GPT-3’s attention matrices, 12,288 × 12,288, rank 2 trains 49,152 numbers instead of 150,994,944\.$/);
    expect(await said.getAttribute('aria-live')).toBe('polite');
    expect(await fig.locator('g[data-matrix="B"]').getAttribute('data-cols')).toBe('2');
    expect(await fig.locator('g[data-matrix="A"]').getAttribute('data-rows')).toBe('2');
    expect(await fig.locator('g[data-matrix="dW"] rect').count()).toBe(12 * 16);
    const before = await fig.locator('g[data-matrix="dW"] rect').first().getAttribute('fill-opacity');

    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => said.textContent()).toMatch(/^Rank 4: B and A hold 4 × \(12 \+ 16\) = 112 numbers/);
    expect(await fig.locator('output[data-role="r"]').textContent()).toBe('4');
    expect(await fig.locator('g[data-matrix="B"] rect').count()).toBe(12 * 4);
    expect(await fig.locator('g[data-matrix="A"] rect').count()).toBe(4 * 16);
    expect(await fig.locator('svg[role="img"]').getAttribute('aria-label')).toMatch(/rank at most 4\.$/);
    // ΔW is recomputed, not just relabelled.
    expect(await fig.locator('g[data-matrix="dW"] rect').first().getAttribute('fill-opacity')).not.toBe(before);
    expect(page.url()).toContain('lg.r=4');
    await page.keyboard.press('End');
    await expect.poll(() => said.textContent()).toMatch(/^Rank 12: B and A hold 12 × \(12 \+ 16\) = 336 numbers, more than the 192 in W₀ itself, so at this size rank 12 saves nothing\. /);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens at the rank in the link, and clamps a bad one with a notice', async () => {
    const { page, context, problems } = await site.open('/?lg.r=99');
    await expect.poll(() => page.locator('lora-glance [data-role="said"]').textContent()).toMatch(/^Rank 12:/);
    await expect.poll(() => page.locator('lora-glance .cell-messages').textContent()).toMatch(/12/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
