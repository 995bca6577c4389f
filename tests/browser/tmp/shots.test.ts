import { it } from 'vitest';
import { useSite } from '../harness';
const site = useSite();
it('shots', async () => {
  {
    const { page, context } = await site.open('/delta-w/');
    const c = page.locator('delta-w-cell');
    await c.scrollIntoViewIfNeeded();
    await page.waitForTimeout(5000);
    await c.locator('[data-role="history"]').screenshot({ path: '/tmp/shot-deltaw0.png' });
    await context.close();
  }
  {
    const { page, context } = await site.open('/rank/');
    const c = page.locator('spectrum-cell');
    await c.scrollIntoViewIfNeeded();
    await page.waitForTimeout(4000);
    await c.screenshot({ path: '/tmp/shot-spectrum.png' });
    const labels = await page.evaluate(async () => {
      const out: string[] = [];
      for (let i = 0; i < 200; i++) {
        const r = await fetch('/data/mnist-test.bin').catch(() => null);
        break;
      }
      return out;
    });
    await context.close();
  }
}, 300_000);
